package io.k8j.kubelet.runtime.cri;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.k8j.cri.v1.AttachRequest;
import io.k8j.cri.v1.AuthConfig;
import io.k8j.cri.v1.Container;
import io.k8j.cri.v1.ContainerConfig;
import io.k8j.cri.v1.ContainerFilter;
import io.k8j.cri.v1.ContainerStatusRequest;
import io.k8j.cri.v1.ContainerStatusResponse;
import io.k8j.cri.v1.CreateContainerRequest;
import io.k8j.cri.v1.ExecRequest;
import io.k8j.cri.v1.ExecSyncRequest;
import io.k8j.cri.v1.ExecSyncResponse;
import io.k8j.cri.v1.Image;
import io.k8j.cri.v1.ImageServiceGrpc;
import io.k8j.cri.v1.ImageSpec;
import io.k8j.cri.v1.ImageStatusRequest;
import io.k8j.cri.v1.ImageStatusResponse;
import io.k8j.cri.v1.ListContainersRequest;
import io.k8j.cri.v1.ListImagesRequest;
import io.k8j.cri.v1.ListPodSandboxRequest;
import io.k8j.cri.v1.PodSandbox;
import io.k8j.cri.v1.PodSandboxConfig;
import io.k8j.cri.v1.PodSandboxFilter;
import io.k8j.cri.v1.PodSandboxStatusRequest;
import io.k8j.cri.v1.PodSandboxStatusResponse;
import io.k8j.cri.v1.PortForwardRequest;
import io.k8j.cri.v1.PullImageRequest;
import io.k8j.cri.v1.RemoveContainerRequest;
import io.k8j.cri.v1.RemoveImageRequest;
import io.k8j.cri.v1.RemovePodSandboxRequest;
import io.k8j.cri.v1.ReopenContainerLogRequest;
import io.k8j.cri.v1.RunPodSandboxRequest;
import io.k8j.cri.v1.RuntimeServiceGrpc;
import io.k8j.cri.v1.StartContainerRequest;
import io.k8j.cri.v1.StatusRequest;
import io.k8j.cri.v1.StatusResponse;
import io.k8j.cri.v1.StopContainerRequest;
import io.k8j.cri.v1.StopPodSandboxRequest;
import io.k8j.cri.v1.VersionRequest;
import io.k8j.cri.v1.VersionResponse;
import io.k8j.kubelet.images.ImageArchive;
import io.k8j.kubelet.runtime.ContainerRuntime;
import io.k8j.kubelet.runtime.RuntimeCallException;
import io.k8j.kubelet.runtime.StreamingRuntime;
import io.k8j.streaming.portforward.PortForwardClient;
import io.k8j.streaming.remotecommand.RemoteCommandClient;
import io.k8j.streaming.remotecommand.RemoteCommandServer;
import io.k8j.streaming.remotecommand.StreamIo;
import io.k8j.streaming.remotecommand.StreamingException;
import io.k8j.streaming.spdy.SpdyClient;
import io.k8j.streaming.spdy.SpdySession;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link ContainerRuntime} over CRI runtime.v1 gRPC on a unix socket (netty epoll domain sockets).
 * Images are imported with containerd's {@code ctr}, as the CRI has no import call.
 */
public final class CriRuntime implements ContainerRuntime, StreamingRuntime {
  /** Upper bound for calls that should be quick; pulls and stops get their own deadlines. */
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private final Path socket;
  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;

  public CriRuntime(Path socket) {
    this.socket = socket;
    this.group = new EpollEventLoopGroup(1);
    this.channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
    this.images = ImageServiceGrpc.newBlockingStub(channel);
  }

  public Path socket() {
    return socket;
  }

  @Override
  public String name() {
    return "containerd";
  }

  private RuntimeServiceGrpc.RuntimeServiceBlockingStub rt(Duration timeout) {
    return runtime.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      Status.Code c = e.getStatus().getCode();
      RuntimeCallException.Code code =
          switch (c) {
            case NOT_FOUND -> RuntimeCallException.Code.NOT_FOUND;
            case UNAVAILABLE -> RuntimeCallException.Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> RuntimeCallException.Code.DEADLINE_EXCEEDED;
            default -> RuntimeCallException.Code.FAILED;
          };
      String desc = e.getStatus().getDescription();
      throw new RuntimeCallException(code, what + ": " + (desc == null ? c : desc), e);
    }
  }

  @Override
  public VersionResponse version() {
    return call(
        "version",
        () -> rt(CALL_TIMEOUT).version(VersionRequest.newBuilder().setVersion("v1").build()));
  }

  @Override
  public StatusResponse status() {
    return call("status", () -> rt(CALL_TIMEOUT).status(StatusRequest.getDefaultInstance()));
  }

  @Override
  public String runPodSandbox(PodSandboxConfig config) {
    return call(
            "run pod sandbox",
            () ->
                rt(Duration.ofMinutes(4))
                    .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()))
        .getPodSandboxId();
  }

  @Override
  public void stopPodSandbox(String sandboxId) {
    call(
        "stop pod sandbox",
        () ->
            rt(CALL_TIMEOUT)
                .stopPodSandbox(
                    StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
  }

  @Override
  public void removePodSandbox(String sandboxId) {
    call(
        "remove pod sandbox",
        () ->
            rt(CALL_TIMEOUT)
                .removePodSandbox(
                    RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
  }

  @Override
  public PodSandboxStatusResponse podSandboxStatus(String sandboxId) {
    return call(
        "pod sandbox status",
        () ->
            rt(CALL_TIMEOUT)
                .podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()));
  }

  @Override
  public List<PodSandbox> listPodSandbox(PodSandboxFilter filter) {
    ListPodSandboxRequest.Builder req = ListPodSandboxRequest.newBuilder();
    if (filter != null) {
      req.setFilter(filter);
    }
    return call("list pod sandbox", () -> rt(CALL_TIMEOUT).listPodSandbox(req.build()))
        .getItemsList();
  }

  @Override
  public String createContainer(
      String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
    return call(
            "create container",
            () ->
                rt(Duration.ofMinutes(4))
                    .createContainer(
                        CreateContainerRequest.newBuilder()
                            .setPodSandboxId(sandboxId)
                            .setConfig(config)
                            .setSandboxConfig(sandboxConfig)
                            .build()))
        .getContainerId();
  }

  @Override
  public void startContainer(String containerId) {
    call(
        "start container",
        () ->
            rt(Duration.ofMinutes(4))
                .startContainer(
                    StartContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public void stopContainer(String containerId, long timeoutSeconds) {
    call(
        "stop container",
        () ->
            rt(CALL_TIMEOUT.plusSeconds(Math.max(0, timeoutSeconds)))
                .stopContainer(
                    StopContainerRequest.newBuilder()
                        .setContainerId(containerId)
                        .setTimeout(timeoutSeconds)
                        .build()));
  }

  @Override
  public void removeContainer(String containerId) {
    call(
        "remove container",
        () ->
            rt(CALL_TIMEOUT)
                .removeContainer(
                    RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public List<Container> listContainers(ContainerFilter filter) {
    ListContainersRequest.Builder req = ListContainersRequest.newBuilder();
    if (filter != null) {
      req.setFilter(filter);
    }
    return call("list containers", () -> rt(CALL_TIMEOUT).listContainers(req.build()))
        .getContainersList();
  }

  @Override
  public ContainerStatusResponse containerStatus(String containerId) {
    return call(
        "container status",
        () ->
            rt(CALL_TIMEOUT)
                .containerStatus(
                    ContainerStatusRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public io.k8j.cri.v1.ContainerStats containerStats(String containerId) {
    return call(
            "container stats",
            () ->
                rt(CALL_TIMEOUT)
                    .containerStats(
                        io.k8j.cri.v1.ContainerStatsRequest.newBuilder()
                            .setContainerId(containerId)
                            .build()))
        .getStats();
  }

  @Override
  public ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout) {
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    return call(
        "exec",
        () ->
            rt(timeout.plusSeconds(10))
                .execSync(
                    ExecSyncRequest.newBuilder()
                        .setContainerId(containerId)
                        .addAllCmd(cmd)
                        .setTimeout(seconds)
                        .build()));
  }

  /*
   * Exec, attach and port-forward: containerd answers each with a URL on its own streaming server
   * (loopback, plain HTTP), which the kubelet dials as a SPDY client and joins to the session it
   * serves; containerd's server handles the TTY and its resizes.
   */

  @Override
  public int exec(String containerId, List<String> cmd, StreamIo io)
      throws StreamingException, InterruptedException {
    String url =
        call(
                "exec",
                () ->
                    rt(CALL_TIMEOUT)
                        .exec(
                            ExecRequest.newBuilder()
                                .setContainerId(containerId)
                                .addAllCmd(cmd)
                                .setTty(io.tty())
                                .setStdin(io.stdin() != null)
                                .setStdout(io.stdout() != null)
                                .setStderr(io.stderr() != null && !io.tty())
                                .build()))
            .getUrl();
    return remoteCommand(url, io);
  }

  @Override
  public void attach(String containerId, StreamIo io)
      throws StreamingException, InterruptedException {
    String url =
        call(
                "attach",
                () ->
                    rt(CALL_TIMEOUT)
                        .attach(
                            AttachRequest.newBuilder()
                                .setContainerId(containerId)
                                .setTty(io.tty())
                                .setStdin(io.stdin() != null)
                                .setStdout(io.stdout() != null)
                                .setStderr(io.stderr() != null && !io.tty())
                                .build()))
            .getUrl();
    remoteCommand(url, io);
  }

  private static int remoteCommand(String url, StreamIo io)
      throws StreamingException, InterruptedException {
    try {
      SpdySession session = SpdyClient.connect(java.net.URI.create(url), RemoteCommandServer.V4);
      return RemoteCommandClient.run(session, io);
    } catch (java.io.IOException e) {
      throw new StreamingException("streaming from containerd failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void portForward(
      String sandboxId, int port, java.io.InputStream in, java.io.OutputStream out)
      throws StreamingException, InterruptedException {
    String url =
        call(
                "port forward",
                () ->
                    rt(CALL_TIMEOUT)
                        .portForward(
                            PortForwardRequest.newBuilder()
                                .setPodSandboxId(sandboxId)
                                .addPort(port)
                                .build()))
            .getUrl();
    try {
      PortForwardClient.forward(
          SpdyClient.connect(
              java.net.URI.create(url), io.k8j.streaming.portforward.PortForwardServer.PROTOCOL),
          port,
          in,
          out);
    } catch (java.io.IOException e) {
      throw new StreamingException(e.getMessage(), e);
    }
  }

  @Override
  public void reopenContainerLog(String containerId) {
    call(
        "reopen container log",
        () ->
            rt(CALL_TIMEOUT)
                .reopenContainerLog(
                    ReopenContainerLogRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public Optional<Image> imageStatus(ImageSpec image) {
    ImageStatusResponse r =
        call(
            "image status",
            () ->
                images
                    .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .imageStatus(ImageStatusRequest.newBuilder().setImage(image).build()));
    return r.hasImage() ? Optional.of(r.getImage()) : Optional.empty();
  }

  @Override
  public List<Image> listImages() {
    return call(
            "list images",
            () ->
                images
                    .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .listImages(ListImagesRequest.getDefaultInstance()))
        .getImagesList();
  }

  @Override
  public String pullImage(ImageSpec image, AuthConfig auth, PodSandboxConfig sandboxConfig) {
    PullImageRequest.Builder req = PullImageRequest.newBuilder().setImage(image);
    if (auth != null) {
      req.setAuth(auth);
    }
    if (sandboxConfig != null) {
      req.setSandboxConfig(sandboxConfig);
    }
    return call(
            "pull image",
            () ->
                images
                    .withDeadlineAfter(Duration.ofMinutes(10).toMillis(), TimeUnit.MILLISECONDS)
                    .pullImage(req.build()))
        .getImageRef();
  }

  @Override
  public void removeImage(ImageSpec image) {
    call(
        "remove image",
        () ->
            images
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .removeImage(RemoveImageRequest.newBuilder().setImage(image).build()));
  }

  @Override
  public List<String> importImages(Path archive) {
    List<String> names = ImageArchive.read(archive).names();
    Ctr.importImages(socket, archive);
    return names;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** containerd's {@code ctr}, for what the CRI does not offer. */
  static final class Ctr {
    private Ctr() {}

    static void importImages(Path socket, Path archive) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "ctr",
                  "--address",
                  socket.toString(),
                  "-n",
                  "k8s.io",
                  "images",
                  "import",
                  "--snapshotter",
                  "overlayfs",
                  archive.toString())
              .redirectErrorStream(true);
      try {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new RuntimeCallException(
              RuntimeCallException.Code.FAILED,
              "ctr images import " + archive + " failed: " + out.strip());
        }
      } catch (IOException e) {
        throw new RuntimeCallException(
            RuntimeCallException.Code.FAILED, "could not run ctr: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeCallException(RuntimeCallException.Code.FAILED, "interrupted", e);
      }
    }
  }
}
