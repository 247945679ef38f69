package io.k8j.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8j.apiserver.ApiClient;
import io.k8j.apiserver.Json;
import io.k8j.apiserver.TestApiServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A test API server with static-token users, and requests made as one of them. */
final class TokenUsers implements AutoCloseable {
  final TestApiServer server;
  final ApiClient admin;

  /**
   * @param tokensCsv the static token file's lines ({@code token,user,uid,"group1,group2"})
   */
  TokenUsers(String tokensCsv) throws Exception {
    Path dir = Files.createTempDirectory("k8j-auth");
    Files.createDirectories(dir.resolve("pki"));
    Files.writeString(dir.resolve("pki/tokens.csv"), tokensCsv);
    server = new TestApiServer(dir, 0);
    admin = new ApiClient(server.kubeconfig());
  }

  /** JSON with single quotes for double ones. */
  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  ApiClient.Response send(String token, String method, String path, ObjectNode body)
      throws Exception {
    HttpRequest.Builder req = admin.request(path).setHeader("Authorization", "Bearer " + token);
    if (body == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
      req.header("Content-Type", type)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
    }
    return admin.send(req);
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
