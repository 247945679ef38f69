package io.k8j.kubelet.kuberuntime;

/**
 * A container could not be started; {@link #reason} is what its status shows while it waits
 * (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, CreateContainerError, ...).
 */
public class ContainerStartException extends Exception {
  private final String reason;

  public ContainerStartException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ContainerStartException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
