package io.k8j.streaming.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class WebSocketTest {
  @Test
  void acceptKeyIsTheRfcExample() {
    assertThat(WebSocket.accept("dGhlIHNhbXBsZSBub25jZQ=="))
        .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void maskedClientMessagesReachTheServerWithTheirChannelByte() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    WebSocket client = new WebSocket(new ByteArrayInputStream(new byte[0]), wire, true);
    client.sendChannel(0, "data\n".getBytes(), 0, 5);
    byte[] big = new byte[70_000];
    big[69_999] = 7;
    client.sendBinary(big, 0, big.length);
    byte[] sent = wire.toByteArray();
    assertThat(sent[1] & 0x80).as("masked").isEqualTo(0x80);

    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    WebSocket server = new WebSocket(new ByteArrayInputStream(sent), answers, false);
    WebSocket.Message m = server.read();
    assertThat(m.opcode()).isEqualTo(WebSocket.BINARY);
    assertThat(m.payload()).containsExactly(0, 'd', 'a', 't', 'a', '\n');
    assertThat(server.read().payload()).hasSize(70_000).endsWith(7);
    assertThat(server.read()).as("end of stream").isNull();
  }

  @Test
  void pingsAreAnsweredAndACloseEndsTheReading() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    WebSocket client = new WebSocket(new ByteArrayInputStream(new byte[0]), wire, true);
    client.ping();
    client.close(1000);
    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    WebSocket server = new WebSocket(new ByteArrayInputStream(wire.toByteArray()), answers, false);
    assertThat(server.read()).isNull();
    byte[] a = answers.toByteArray();
    assertThat(a[0] & 0x0f).as("pong").isEqualTo(10);
    assertThat(a[2] & 0x0f).as("close echoed").isEqualTo(8);
  }

  @Test
  void fragmentedMessagesAreAssembled() throws IOException {
    byte[] frames = {0x02, 0x02, 1, 2, (byte) 0x80, 0x01, 3};
    WebSocket server =
        new WebSocket(new ByteArrayInputStream(frames), new ByteArrayOutputStream(), false);
    assertThat(server.read().payload()).containsExactly(1, 2, 3);
  }
}
