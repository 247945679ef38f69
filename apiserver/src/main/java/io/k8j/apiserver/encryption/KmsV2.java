package io.k8j.apiserver.encryption;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.k8j.common.Clock;
import io.k8j.kms.v2.DecryptRequest;
import io.k8j.kms.v2.EncryptRequest;
import io.k8j.kms.v2.EncryptResponse;
import io.k8j.kms.v2.EncryptedDEKSourceType;
import io.k8j.kms.v2.EncryptedObject;
import io.k8j.kms.v2.KeyManagementServiceGrpc;
import io.k8j.kms.v2.StatusRequest;
import io.k8j.kms.v2.StatusResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's KMS v2 envelope provider: a KMS plugin, reached over gRPC on a unix socket ({@code
 * v2.KeyManagementService}), encrypts a 32-byte seed generated here; each value is encrypted with
 * AES-GCM under a key derived from the seed and 32 random bytes (HKDF-SHA256 expand), the store key
 * as additional data, and stored after {@code k8s:enc:kms:v2:<name>:} as an {@code EncryptedObject}
 * protobuf. The seed is reused for writes until the plugin's key id changes (checked through Status
 * at most once a {@code statusInterval}) or it is {@link #WRITE_SEED_TTL} old without a healthy
 * Status; decrypted seeds are cached, so reads need the plugin only for seeds not seen yet. Each
 * call waits at most {@code timeout}, and Status is asked at most once a {@code statusInterval}
 * whatever it answers, so a plugin that is down costs writes no wait while the seed is valid.
 */
public final class KmsV2 implements Provider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KmsV2.class);

  /** How long a write seed stays usable while the plugin cannot confirm its key. */
  static final Duration WRITE_SEED_TTL = Duration.ofMinutes(3);

  private static final int SEED = 32;
  private static final int INFO = 32;
  private static final int CACHE_SIZE = 1000;

  private record WriteSeed(byte[] seed, EncryptResponse sealed, long validUntilNanos) {}

  private final String name;
  private final String endpoint;
  private final Duration timeout;
  private final Duration statusInterval;
  private final Clock clock;
  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final KeyManagementServiceGrpc.KeyManagementServiceBlockingStub stub;
  private final Map<ByteString, byte[]> seeds =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, byte[]> eldest) {
          return size() > CACHE_SIZE;
        }
      };
  private WriteSeed writeSeed;
  private String currentKeyId = "";
  private long lastStatusNanos;
  private boolean statusChecked;

  /**
   * @param endpoint {@code unix:///path/to/socket}
   */
  public KmsV2(
      String name, String endpoint, Duration timeout, Duration statusInterval, Clock clock) {
    if (!endpoint.startsWith("unix://") || endpoint.length() <= "unix://".length()) {
      throw new IllegalArgumentException(
          "kms provider " + name + ": endpoint must be unix:///path/to/socket, got " + endpoint);
    }
    this.name = name;
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.statusInterval = statusInterval;
    this.clock = clock;
    this.group = new EpollEventLoopGroup(1);
    this.channel =
        NettyChannelBuilder.forAddress(
                new DomainSocketAddress(endpoint.substring("unix://".length())))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build();
    this.stub = KeyManagementServiceGrpc.newBlockingStub(channel);
  }

  @Override
  public String prefix() {
    return "k8s:enc:kms:v2:" + name + ":";
  }

  @Override
  public byte[] encrypt(byte[] plain, String key) throws GeneralSecurityException {
    WriteSeed w = writeSeed();
    byte[] info = new byte[INFO];
    RANDOM.nextBytes(info);
    byte[] sealed = new AesGcm(name, derive(w.seed(), info)).encrypt(plain, key);
    byte[] data = Arrays.copyOf(info, INFO + sealed.length);
    System.arraycopy(sealed, 0, data, INFO, sealed.length);
    return EncryptedObject.newBuilder()
        .setEncryptedData(ByteString.copyFrom(data))
        .setKeyID(w.sealed().getKeyId())
        .setEncryptedDEKSource(w.sealed().getCiphertext())
        .putAllAnnotations(w.sealed().getAnnotationsMap())
        .setEncryptedDEKSourceType(EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED)
        .build()
        .toByteArray();
  }

  @Override
  public byte[] decrypt(byte[] stored, String key) throws GeneralSecurityException {
    EncryptedObject o = parse(stored);
    byte[] source = seed(o);
    byte[] data = o.getEncryptedData().toByteArray();
    if (o.getEncryptedDEKSourceType() == EncryptedDEKSourceType.AES_GCM_KEY) {
      return new AesGcm(name, source).decrypt(data, key);
    }
    if (data.length < INFO) {
      throw new GeneralSecurityException("the stored data was shorter than the required size");
    }
    return new AesGcm(name, derive(source, Arrays.copyOf(data, INFO)))
        .decrypt(Arrays.copyOfRange(data, INFO, data.length), key);
  }

  /** Data whose key id is not the plugin's current one is rewritten with the current one. */
  @Override
  public boolean isStale(byte[] stored) {
    try {
      String current;
      synchronized (this) {
        current = currentKeyId;
      }
      return !current.isEmpty() && !parse(stored).getKeyID().equals(current);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static EncryptedObject parse(byte[] stored) throws GeneralSecurityException {
    EncryptedObject o;
    try {
      o = EncryptedObject.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      throw new GeneralSecurityException("failed to unmarshal encrypted object: " + e.getMessage());
    }
    if (o.getEncryptedData().isEmpty()) {
      throw new GeneralSecurityException("encrypted data is empty");
    }
    if (o.getKeyID().isEmpty()) {
      throw new GeneralSecurityException("keyID is empty");
    }
    if (o.getEncryptedDEKSource().isEmpty()) {
      throw new GeneralSecurityException("encrypted DEK source is empty");
    }
    return o;
  }

  /** The plaintext DEK source of an object, from the cache or the plugin. */
  private byte[] seed(EncryptedObject o) throws GeneralSecurityException {
    synchronized (seeds) {
      byte[] cached = seeds.get(o.getEncryptedDEKSource());
      if (cached != null) {
        return cached;
      }
    }
    byte[] plain;
    try {
      plain =
          stub()
              .decrypt(
                  DecryptRequest.newBuilder()
                      .setCiphertext(o.getEncryptedDEKSource())
                      .setUid(UUID.randomUUID().toString())
                      .setKeyId(o.getKeyID())
                      .putAllAnnotations(o.getAnnotationsMap())
                      .build())
              .getPlaintext()
              .toByteArray();
    } catch (StatusRuntimeException e) {
      throw new GeneralSecurityException("failed to decrypt DEK, error: " + describe(e), e);
    }
    synchronized (seeds) {
      seeds.put(o.getEncryptedDEKSource(), plain);
    }
    return plain;
  }

  /**
   * The seed new writes use: the current one while it is valid and the plugin's key has not
   * changed, else a new one the plugin encrypts.
   */
  private synchronized WriteSeed writeSeed() throws GeneralSecurityException {
    long now = clock.nanoTime();
    WriteSeed w = writeSeed;
    boolean valid = w != null && now - w.validUntilNanos() < 0;
    if (!statusChecked || now - lastStatusNanos >= statusInterval.toNanos()) {
      GeneralSecurityException failed = checkStatus(now);
      if (failed != null && !valid) {
        throw failed;
      }
      w = writeSeed;
      valid = w != null && now - w.validUntilNanos() < 0;
    }
    if (valid && w.sealed().getKeyId().equals(currentKeyId)) {
      return w;
    }
    byte[] seed = new byte[SEED];
    RANDOM.nextBytes(seed);
    EncryptResponse sealed;
    try {
      sealed =
          stub()
              .encrypt(
                  EncryptRequest.newBuilder()
                      .setPlaintext(ByteString.copyFrom(seed))
                      .setUid(UUID.randomUUID().toString())
                      .build());
    } catch (StatusRuntimeException e) {
      throw new GeneralSecurityException("failed to encrypt DEK, error: " + describe(e), e);
    }
    if (sealed.getKeyId().isEmpty() || sealed.getCiphertext().isEmpty()) {
      throw new GeneralSecurityException(
          "failed to encrypt DEK, error: the KMS plugin returned an empty key id or ciphertext");
    }
    currentKeyId = sealed.getKeyId();
    writeSeed = new WriteSeed(seed, sealed, now + WRITE_SEED_TTL.toNanos());
    synchronized (seeds) {
      seeds.put(sealed.getCiphertext(), seed);
    }
    LOG.info("kms provider {}: new write seed under key id {}", name, sealed.getKeyId());
    return writeSeed;
  }

  /**
   * Asks the plugin for its health and key id; a healthy answer extends the write seed's life, a
   * changed key id retires it. Returns what failed, or null: a failing plugin leaves the seed to
   * expire on its own.
   */
  private GeneralSecurityException checkStatus(long now) {
    lastStatusNanos = now;
    statusChecked = true;
    StatusResponse s;
    try {
      s = stub().status(StatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      LOG.warn("kms provider {}: status failed: {}", name, describe(e));
      return new GeneralSecurityException("failed to get kms status, error: " + describe(e), e);
    }
    if (!"ok".equals(s.getHealthz()) || !"v2".equals(s.getVersion()) || s.getKeyId().isEmpty()) {
      String problem =
          "got unexpected status from the KMS plugin: healthz "
              + s.getHealthz()
              + ", version "
              + s.getVersion()
              + ", key id "
              + (s.getKeyId().isEmpty() ? "empty" : s.getKeyId());
      LOG.warn("kms provider {}: {}", name, problem);
      return new GeneralSecurityException(problem);
    }
    if (!s.getKeyId().equals(currentKeyId)) {
      if (!currentKeyId.isEmpty()) {
        LOG.info("kms provider {}: key id changed from {} to {}", name, currentKeyId, s.getKeyId());
      }
      currentKeyId = s.getKeyId();
    } else if (writeSeed != null) {
      writeSeed =
          new WriteSeed(writeSeed.seed(), writeSeed.sealed(), now + WRITE_SEED_TTL.toNanos());
    }
    return null;
  }

  /**
   * The stub for one call: it waits for the plugin's socket up to the timeout (as upstream's
   * WaitForReady), reconnecting at once to a plugin that was down rather than after a backoff.
   */
  private KeyManagementServiceGrpc.KeyManagementServiceBlockingStub stub() {
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
    return stub.withWaitForReady().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String describe(StatusRuntimeException e) {
    return "rpc error: code = "
        + e.getStatus().getCode()
        + " desc = "
        + (e.getStatus().getDescription() == null
            ? "the KMS plugin at " + endpoint + " did not answer"
            : e.getStatus().getDescription());
  }

  /** The first 32 bytes of HKDF-SHA256-Expand(seed, info): the AES-GCM key of one value. */
  static byte[] derive(byte[] seed, byte[] info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(HKDFParameters.skipExtractParameters(seed, info));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "kms " + name + " (" + endpoint + ")";
  }
}
