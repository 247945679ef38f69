package io.k8j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8j.apiserver.auth.BootstrapToken;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JoinTokenTest {
  private static final String HASH =
      "4fc86b80678648d6ca3a4f69e3279ac0c702878da099f7356e6cbbbaa00f34f7";

  @Test
  void readsWhatItWrites() {
    JoinToken t = new JoinToken(HASH, new BootstrapToken("abcdef", "0123456789abcdef"));
    assertThat(t.toString()).isEqualTo("K10" + HASH + "::abcdef.0123456789abcdef");
    assertThat(JoinToken.parse(t.toString())).isEqualTo(t);
  }

  @Test
  void refusesWhatIsNoJoinToken() {
    assertThatThrownBy(() -> JoinToken.parse("abcdef.0123456789abcdef"))
        .hasMessageContaining("not a join token");
    assertThatThrownBy(() -> JoinToken.parse("K10abc::abcdef.0123456789abcdef"))
        .hasMessageContaining("CA hash");
    assertThatThrownBy(() -> JoinToken.parse("K10" + HASH + "::abcdef.short"))
        .hasMessageContaining("bootstrap part");
  }

  @Test
  void ttlsAreGoDurations() {
    GoDuration d = new GoDuration();
    assertThat(d.convert("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(d.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(d.convert("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> d.convert("soon")).hasMessageContaining("is not a duration");
  }
}
