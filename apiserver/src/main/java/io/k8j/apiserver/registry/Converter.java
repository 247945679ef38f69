package io.k8j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts between the version a resource is served in and the version it is stored in, for kinds
 * served in more than one version or group over one storage (HorizontalPodAutoscaler in
 * autoscaling/v1 and v2, Event in v1 and events.k8s.io/v1). Both directions return new objects.
 */
public interface Converter {
  ObjectNode toStorage(ObjectNode served);

  ObjectNode fromStorage(ObjectNode stored);

  /** Served and stored alike. */
  Converter IDENTITY =
      new Converter() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
          return served;
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
          return stored;
        }
      };
}
