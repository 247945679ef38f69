package io.k8j.kms;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.k8j.kms.v2.DecryptRequest;
import io.k8j.kms.v2.DecryptResponse;
import io.k8j.kms.v2.EncryptRequest;
import io.k8j.kms.v2.EncryptResponse;
import io.k8j.kms.v2.KeyManagementServiceGrpc;
import io.k8j.kms.v2.StatusRequest;
import io.k8j.kms.v2.StatusResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A KMS v2 plugin for tests, serving upstream's gRPC API on a unix socket as a real one (a cloud
 * KMS, Vault) would: its key encryption keys (AES-GCM, one per key id) never leave it; it can
 * rotate to a new key, and be stopped and started again on the same socket.
 */
public final class LocalKmsPlugin implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path socket;
  private final Map<String, byte[]> keks = new ConcurrentHashMap<>();
  private final AtomicInteger encrypts = new AtomicInteger();
  private final AtomicInteger decrypts = new AtomicInteger();
  private volatile String currentKeyId;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Server server;

  public LocalKmsPlugin() throws Exception {
    socket = Path.of("/tmp", "k8j-kms-" + UUID.randomUUID().toString().substring(0, 8) + ".sock");
    rotate();
    start();
  }

  public String endpoint() {
    return "unix://" + socket;
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  public int encrypts() {
    return encrypts.get();
  }

  public int decrypts() {
    return decrypts.get();
  }

  /** A new key encrypts from now on; the old ones still decrypt. */
  public void rotate() {
    byte[] kek = new byte[32];
    RANDOM.nextBytes(kek);
    String id = "kek-" + (keks.size() + 1);
    keks.put(id, kek);
    currentKeyId = id;
  }

  public synchronized void start() throws Exception {
    Files.deleteIfExists(socket);
    boss = new EpollEventLoopGroup(1);
    workers = new EpollEventLoopGroup(1);
    server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .addService(new Service())
            .build()
            .start();
  }

  public synchronized void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      server = null;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    Files.deleteIfExists(socket);
  }

  private final class Service extends KeyManagementServiceGrpc.KeyManagementServiceImplBase {
    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
      out.onNext(
          StatusResponse.newBuilder()
              .setVersion("v2")
              .setHealthz("ok")
              .setKeyId(currentKeyId)
              .build());
      out.onCompleted();
    }

    @Override
    public void encrypt(EncryptRequest request, StreamObserver<EncryptResponse> out) {
      encrypts.incrementAndGet();
      String id = currentKeyId;
      try {
        byte[] sealed = seal(keks.get(id), request.getPlaintext().toByteArray());
        out.onNext(
            EncryptResponse.newBuilder()
                .setCiphertext(ByteString.copyFrom(sealed))
                .setKeyId(id)
                .putAnnotations("kms.k8j.io/plugin", ByteString.copyFromUtf8("test"))
                .build());
        out.onCompleted();
      } catch (GeneralSecurityException e) {
        out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      }
    }

    @Override
    public void decrypt(DecryptRequest request, StreamObserver<DecryptResponse> out) {
      decrypts.incrementAndGet();
      byte[] kek = keks.get(request.getKeyId());
      if (kek == null || !request.getAnnotationsMap().containsKey("kms.k8j.io/plugin")) {
        out.onError(
            Status.NOT_FOUND
                .withDescription("unknown key id " + request.getKeyId())
                .asRuntimeException());
        return;
      }
      try {
        byte[] plain = open(kek, request.getCiphertext().toByteArray());
        out.onNext(DecryptResponse.newBuilder().setPlaintext(ByteString.copyFrom(plain)).build());
        out.onCompleted();
      } catch (GeneralSecurityException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      }
    }
  }

  /** AES-GCM under {@code kek}: a random 12-byte nonce, then the ciphertext and tag. */
  private static byte[] seal(byte[] kek, byte[] plain) throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] sealed = c.doFinal(plain);
    byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
    System.arraycopy(sealed, 0, out, 12, sealed.length);
    return out;
  }

  private static byte[] open(byte[] kek, byte[] sealed) throws GeneralSecurityException {
    if (sealed.length < 12 + 16) {
      throw new GeneralSecurityException("ciphertext too short");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(kek, "AES"),
        new GCMParameterSpec(128, sealed, 0, 12));
    return c.doFinal(sealed, 12, sealed.length - 12);
  }
}
