package io.k8j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.k8j.client.Informer;
import io.k8j.client.InformerFactory;
import io.k8j.client.ObjectReader;

/**
 * The kind a {@link ReplicaSetController} runs: apps/v1 ReplicaSets as they are, or v1
 * ReplicationControllers seen through a converting informer, as upstream's replication controller
 * runs the ReplicaSet controller on converted objects.
 */
public interface ReplicaSetKind {
  String apiVersion();

  String kind();

  Informer<ReplicaSet> informer(InformerFactory informers);

  /** A fresh read from the server, as a ReplicaSet, or null. */
  ReplicaSet getLive(ObjectReader reader, String namespace, String name);

  /** The object as the server knows it (for writes and events). */
  HasMetadata original(ReplicaSet rs);

  ReplicaSetKind REPLICA_SET =
      new ReplicaSetKind() {
        @Override
        public String apiVersion() {
          return "apps/v1";
        }

        @Override
        public String kind() {
          return "ReplicaSet";
        }

        @Override
        public Informer<ReplicaSet> informer(InformerFactory informers) {
          return informers.forType(ReplicaSet.class);
        }

        @Override
        public ReplicaSet getLive(ObjectReader reader, String namespace, String name) {
          return reader.get(ReplicaSet.class, namespace, name);
        }

        @Override
        public HasMetadata original(ReplicaSet rs) {
          return rs;
        }
      };

  ReplicaSetKind REPLICATION_CONTROLLER =
      new ReplicaSetKind() {
        @Override
        public String apiVersion() {
          return "v1";
        }

        @Override
        public String kind() {
          return "ReplicationController";
        }

        @Override
        public Informer<ReplicaSet> informer(InformerFactory informers) {
          return new ConvertingInformer<>(
              informers.forType(ReplicationController.class),
              ReplicationControllerConversion::toReplicaSet);
        }

        @Override
        public ReplicaSet getLive(ObjectReader reader, String namespace, String name) {
          ReplicationController rc = reader.get(ReplicationController.class, namespace, name);
          return rc == null ? null : ReplicationControllerConversion.toReplicaSet(rc);
        }

        @Override
        public HasMetadata original(ReplicaSet rs) {
          return ReplicationControllerConversion.toReplicationController(rs);
        }
      };
}
