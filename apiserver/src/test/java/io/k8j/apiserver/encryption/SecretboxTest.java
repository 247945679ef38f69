package io.k8j.apiserver.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The secretbox provider against NaCl's own test vector, and its failures. */
class SecretboxTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] KEY =
      HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
  static final String NONCE = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
  static final String MESSAGE =
      "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
          + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
          + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
          + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
  static final String BOX =
      "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
          + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
          + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
          + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
          + "7973f622a43d14a6599b1f654cb45a74e355a5";

  final Provider.Secretbox box = new Provider.Secretbox("key1", KEY);

  @Test
  void opensNaclsTestVector() throws Exception {
    assertThat(HEX.formatHex(box.decrypt(HEX.parseHex(NONCE + BOX), "/registry/secrets/a/b")))
        .isEqualTo(MESSAGE);
  }

  @Test
  void sealsAsNonceTagAndCiphertextUnderUpstreamsPrefix() throws Exception {
    byte[] plain = "hunter2".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = box.encrypt(plain, "k");
    assertThat(sealed).hasSize(24 + 16 + plain.length);
    assertThat(box.decrypt(sealed, "k")).isEqualTo(plain);
    assertThat(box.encrypt(plain, "k")).isNotEqualTo(sealed);
    assertThat(box.prefix()).isEqualTo("k8s:enc:secretbox:v1:key1:");
  }

  @Test
  void refusesTamperedOrShortData() throws Exception {
    byte[] sealed = HEX.parseHex(NONCE + BOX);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.decrypt(sealed, "k")).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> box.decrypt(new byte[30], "k"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("shorter");
    assertThatThrownBy(
            () ->
                new Provider.Secretbox("key2", new byte[32])
                    .decrypt(HEX.parseHex(NONCE + BOX), "k"))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
