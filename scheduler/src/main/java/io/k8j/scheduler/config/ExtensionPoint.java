package io.k8j.scheduler.config;

/** The extension points a profile configures, with their names in the YAML. */
public enum ExtensionPoint {
  PRE_ENQUEUE("preEnqueue"),
  QUEUE_SORT("queueSort"),
  PRE_FILTER("preFilter"),
  FILTER("filter"),
  POST_FILTER("postFilter"),
  PRE_SCORE("preScore"),
  SCORE("score"),
  RESERVE("reserve"),
  PERMIT("permit"),
  PRE_BIND("preBind"),
  BIND("bind");

  private final String yamlName;

  ExtensionPoint(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }
}
