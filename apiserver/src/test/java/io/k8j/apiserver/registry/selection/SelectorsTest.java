package io.k8j.apiserver.registry.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.Json;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorsTest {
  private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "fe", "v", "3");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web|true",
        "app==web|true",
        "app!=web|false",
        "app=db|false",
        "app in (db,web)|true",
        "app notin (db,web)|false",
        "env notin (prod)|true",
        "tier|true",
        "!tier|false",
        "!env|true",
        "app=web,tier=fe|true",
        "app=web,tier=be|false",
        "v>2|true",
        "v<2|false",
      })
  void labelSelectorsMatchAsUpstream(String selector, boolean matches) {
    assertThat(LabelSelector.parse(selector).test(LABELS)).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"app=we b", "a b c", "=x", "app in (a b)"})
  void badLabelSelectorsAreRejected(String selector) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final Map<String, Function<ObjectNode, String>> FIELDS =
      Map.of(
          "metadata.name", o -> Json.text(o, "metadata.name"),
          "status.phase", o -> Json.text(o, "status.phase"));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "metadata.name=p1|true",
        "metadata.name==p1|true",
        "metadata.name!=p1|false",
        "status.phase!=Succeeded,status.phase!=Failed|true",
        "status.phase=Running|false",
      })
  void fieldSelectorsMatch(String selector, boolean matches) {
    ObjectNode pod = Json.object();
    Json.metadata(pod).put("name", "p1");
    pod.putObject("status").put("phase", "Pending");
    assertThat(FieldSelector.parse(selector, FIELDS).matches(pod)).isEqualTo(matches);
  }

  @ParameterizedTest
  @CsvSource({"spec.foo=bar", "metadata.labels=x"})
  void unsupportedFieldLabelsAreRejectedWithUpstreamsMessage(String selector) {
    assertThatThrownBy(() -> FieldSelector.parse(selector, FIELDS))
        .hasMessage("field label not supported: " + selector.substring(0, selector.indexOf('=')));
  }
}
