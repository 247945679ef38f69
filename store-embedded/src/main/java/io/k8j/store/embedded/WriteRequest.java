package io.k8j.store.embedded;

import io.k8j.store.LeaseId;
import io.k8j.store.Revision;
import io.k8j.store.WriteResult;
import java.util.concurrent.CompletableFuture;

/** A write waiting for the committer, with the future its caller waits on. */
sealed interface WriteRequest {
  CompletableFuture<WriteResult> result();

  record Create(String key, byte[] value, LeaseId lease, CompletableFuture<WriteResult> result)
      implements WriteRequest {}

  record Update(
      String key,
      byte[] value,
      Revision expectedModRevision,
      LeaseId lease,
      CompletableFuture<WriteResult> result)
      implements WriteRequest {}

  record Delete(String key, Revision expectedModRevision, CompletableFuture<WriteResult> result)
      implements WriteRequest {}

  /** Deletes a lease and its keys, each key at its own revision; for a revoke or an expiry. */
  record RevokeLease(LeaseId lease, CompletableFuture<WriteResult> result)
      implements WriteRequest {}
}
