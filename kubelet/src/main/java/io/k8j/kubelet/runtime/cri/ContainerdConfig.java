package io.k8j.kubelet.runtime.cri;

import java.nio.file.Path;

/**
 * The containerd configuration k8j writes (version 2 format, as containerd 1.6 reads it): state and
 * content under the node's data directory, the overlayfs snapshotter, runc through the v2 shim with
 * cgroupfs, CNI from the node's conf dir, and the pause image k8j imports itself.
 *
 * @param root persistent state: content, snapshots, metadata
 * @param state runtime state: sockets, task bundles
 * @param socket the gRPC socket the kubelet dials
 * @param cniConfDir the node's CNI conf dir
 * @param cniBinDir where the CNI plugins are
 * @param sandboxImage the image of each pod's sandbox (pause) container
 */
public record ContainerdConfig(
    Path root, Path state, Path socket, Path cniConfDir, Path cniBinDir, String sandboxImage) {

  public String toml() {
    return """
        # Written by k8j at each start; edits are overwritten.
        version = 2
        root = "%s"
        state = "%s"

        [grpc]
          address = "%s"

        [ttrpc]
          address = "%s.ttrpc"

        [debug]
          level = "info"

        [metrics]
          address = ""

        [plugins."io.containerd.internal.v1.opt"]
          path = "%s"

        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%s"
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          enable_selinux = false
          # without CAP_SYS_RESOURCE (in a VM or container) a lower oom_score_adj is refused
          restrict_oom_score_adj = true
          max_container_log_line_size = 16384

          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false

          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%s"
            conf_dir = "%s"
            max_conf_num = 1
        """
        .formatted(
            root, state, socket, socket, root.resolve("opt"), sandboxImage, cniBinDir, cniConfDir);
  }
}
