package io.k8j.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordsTest {
  public record Range(String name, int min, int max) {
    public Range {
      if (max < min) {
        throw new IllegalArgumentException("max < min");
      }
    }
  }

  private final Range range = new Range("r", 1, 5);

  @Test
  void changesTheNamedComponentsAndKeepsTheRest() {
    assertThat(Records.with(range, "max", 9)).isEqualTo(new Range("r", 1, 9));
    assertThat(Records.with(range, "min", 6, "max", 7)).isEqualTo(new Range("r", 6, 7));
    assertThat(Records.with(range, "name", null)).isEqualTo(new Range(null, 1, 5));
    assertThat(range).isEqualTo(new Range("r", 1, 5));
  }

  @Test
  void theCanonicalConstructorsChecksRunOnTheCopy() {
    assertThatThrownBy(() -> Records.with(range, "max", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max < min");
  }

  @Test
  void anUnknownComponentIsNamed() {
    assertThatThrownBy(() -> Records.with(range, "maximum", 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no component [maximum]")
        .hasMessageContaining("[name, min, max]");
    assertThatThrownBy(() -> Records.with(range, "max"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
