package io.k8j.kubelet.volume;

/** A volume could not be set up; the message is upstream's FailedMount wording. */
public final class MountException extends Exception {
  private final String volume;

  public MountException(String volume, String cause) {
    super("MountVolume.SetUp failed for volume \"" + volume + "\" : " + cause);
    this.volume = volume;
  }

  public String volume() {
    return volume;
  }
}
