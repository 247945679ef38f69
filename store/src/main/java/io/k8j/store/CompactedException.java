package io.k8j.store;

/**
 * A read or watch asked for a revision whose history has been compacted away. Kubernetes turns this
 * into 410 Gone ("Expired").
 */
public class CompactedException extends StoreException {
  private final Revision compactRevision;

  public CompactedException(Revision requested, Revision compactRevision) {
    super(
        "required revision "
            + requested
            + " has been compacted; the compact revision is "
            + compactRevision);
    this.compactRevision = compactRevision;
  }

  /** The oldest revision the store still has history for. */
  public Revision compactRevision() {
    return compactRevision;
  }
}
