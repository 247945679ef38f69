package io.k8j.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.k8j.store.KeyValue;
import io.k8j.store.LeaseId;
import io.k8j.store.LeaseNotFoundException;
import io.k8j.store.Revision;
import io.k8j.store.WriteResult;
import io.k8j.store.etcd.EtcdRequests.Idempotence;

/**
 * The conditional writes, each one etcd transaction: if the condition holds, write (returning the
 * previous value); otherwise read the key as it is. Either way the answer comes from one revision,
 * the transaction's.
 */
final class Writes {
  private final KV kv;
  private final EtcdRequests requests;

  Writes(KV kv, EtcdRequests requests) {
    this.kv = kv;
    this.requests = requests;
  }

  WriteResult create(String key, byte[] value, LeaseId lease) {
    ByteSequence k = EtcdCodec.key(key);
    TxnResponse r =
        commit(
            "create " + key,
            lease,
            new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
            Op.put(k, EtcdCodec.value(value), putOption(lease)),
            k);
    if (!r.isSucceeded()) {
      return failed(r);
    }
    Revision rev = revision(r);
    return new WriteResult(true, rev, new KeyValue(key, value.clone(), rev, rev, 1, lease));
  }

  WriteResult update(String key, byte[] value, Revision expectedModRevision, LeaseId lease) {
    ByteSequence k = EtcdCodec.key(key);
    TxnResponse r =
        commit(
            "update " + key,
            lease,
            new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision.value())),
            Op.put(k, EtcdCodec.value(value), putOption(lease)),
            k);
    if (!r.isSucceeded()) {
      return failed(r);
    }
    Revision rev = revision(r);
    PutResponse put = r.getPutResponses().getFirst();
    KeyValue before = EtcdCodec.keyValue(put.getPrevKv());
    return new WriteResult(
        true,
        rev,
        new KeyValue(
            key, value.clone(), before.createRevision(), rev, before.version() + 1, lease));
  }

  WriteResult delete(String key, Revision expectedModRevision) {
    ByteSequence k = EtcdCodec.key(key);
    Cmp condition =
        expectedModRevision.isZero()
            ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision.value()));
    TxnResponse r =
        commit(
            "delete " + key,
            LeaseId.NONE,
            condition,
            Op.delete(k, DeleteOption.builder().withPrevKV(true).build()),
            k);
    if (!r.isSucceeded()) {
      return failed(r);
    }
    DeleteResponse deleted = r.getDeleteResponses().getFirst();
    return new WriteResult(true, revision(r), EtcdCodec.keyValue(deleted.getPrevKvs().getFirst()));
  }

  private TxnResponse commit(
      String what, LeaseId lease, Cmp condition, Op write, ByteSequence key) {
    try {
      return requests.call(
          what,
          Idempotence.NOT_IDEMPOTENT,
          () -> kv.txn().If(condition).Then(write).Else(Op.get(key, GetOption.DEFAULT)).commit());
    } catch (EtcdException e) {
      if (!lease.isNone() && EtcdErrors.isLeaseNotFound(e)) {
        throw new LeaseNotFoundException(lease);
      }
      throw EtcdRequests.failure(what, e);
    }
  }

  private static PutOption putOption(LeaseId lease) {
    return PutOption.builder().withLeaseId(lease.value()).withPrevKV().build();
  }

  private static Revision revision(TxnResponse r) {
    return Revision.of(r.getHeader().getRevision());
  }

  private static WriteResult failed(TxnResponse r) {
    GetResponse current = r.getGetResponses().getFirst();
    KeyValue kv =
        current.getKvs().isEmpty() ? null : EtcdCodec.keyValue(current.getKvs().getFirst());
    return new WriteResult(false, revision(r), kv);
  }
}
