package io.k8j.kubelet.prober;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The standard gRPC health check ({@code grpc.health.v1.Health/Check}), with its two one-field
 * messages encoded by hand so that no generated code is needed.
 */
final class GrpcHealth {
  private static final String[] STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

  private static final MethodDescriptor.Marshaller<String> REQUEST =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String service) {
          try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(b);
            if (!service.isEmpty()) {
              out.writeString(1, service);
            }
            out.flush();
            return new ByteArrayInputStream(b.toByteArray());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public String parse(InputStream stream) {
          throw new UnsupportedOperationException();
        }
      };

  private static final MethodDescriptor.Marshaller<Integer> RESPONSE =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Integer value) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Integer parse(InputStream stream) {
          try {
            CodedInputStream in = CodedInputStream.newInstance(stream);
            int status = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
              if (tag == (1 << 3)) {
                status = in.readEnum();
              } else {
                in.skipField(tag);
              }
            }
            return status;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<String, Integer> CHECK =
      MethodDescriptor.<String, Integer>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(REQUEST)
          .setResponseMarshaller(RESPONSE)
          .build();

  private GrpcHealth() {}

  static ProbeOutcome check(String host, int port, String service, Duration timeout) {
    ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    String target = host + ":" + port;
    try {
      int status =
          ClientCalls.blockingUnaryCall(
              ch,
              CHECK,
              io.grpc.CallOptions.DEFAULT.withDeadlineAfter(
                  timeout.toMillis(), TimeUnit.MILLISECONDS),
              service == null ? "" : service);
      if (status == 1) {
        return ProbeOutcome.success("");
      }
      String name = status >= 0 && status < STATUS.length ? STATUS[status] : "" + status;
      return ProbeOutcome.failure("service unhealthy (responded with \"" + name + "\")");
    } catch (StatusRuntimeException e) {
      return switch (e.getStatus().getCode()) {
        case DEADLINE_EXCEEDED, UNAVAILABLE ->
            ProbeOutcome.failure(
                "timeout: failed to connect service \""
                    + target
                    + "\" within "
                    + timeout.toSeconds()
                    + "s: "
                    + e.getStatus().getCode());
        default ->
            ProbeOutcome.failure(
                "error: health rpc probe failed: "
                    + e.getStatus().getCode()
                    + ": "
                    + e.getMessage());
      };
    } finally {
      ch.shutdownNow();
    }
  }
}
