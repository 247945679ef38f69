package io.k8j.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.k8j.store.LeaseId;
import io.k8j.store.WriteResult;
import java.nio.file.Path;

/**
 * The child process of {@link EmbeddedStoreCrashIT}: opens the store in {@code args[0]} and creates
 * keys under {@code args[1]} from {@code args[2]} threads until it is killed, printing "ack KEY
 * REVISION" for every write the store acknowledged.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]));
    String prefix = args[1];
    int threads = Integer.parseInt(args[2]);
    System.out.println("ready");
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread.ofPlatform()
          .start(
              () -> {
                for (long i = 0; ; i++) {
                  String key = prefix + thread + "/" + i;
                  WriteResult r = store.create(key, key.getBytes(UTF_8), LeaseId.NONE);
                  System.out.println("ack " + key + " " + r.revision());
                }
              });
    }
  }
}
