package io.k8j.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One key of one provider, with the prefix its values carry ({@code k8s:enc:aesgcm:v1:key1:}); the
 * identity provider has no prefix and leaves values as they are.
 */
public sealed interface Provider {
  SecureRandom RANDOM = new SecureRandom();

  /** What values written by this provider start with ("" for identity). */
  String prefix();

  byte[] encrypt(byte[] plain, String key) throws GeneralSecurityException;

  /** Decrypts the bytes after the prefix. */
  byte[] decrypt(byte[] sealed, String key) throws GeneralSecurityException;

  /** Values stored as they are. */
  record Identity() implements Provider {
    @Override
    public String prefix() {
      return "";
    }

    @Override
    public byte[] encrypt(byte[] plain, String key) {
      return plain;
    }

    @Override
    public byte[] decrypt(byte[] sealed, String key) {
      return sealed;
    }
  }

  /** AES-GCM with a random 12-byte nonce; the store key is the authenticated data. */
  record AesGcm(String name, byte[] secret) implements Provider {
    @Override
    public String prefix() {
      return "k8s:enc:aesgcm:v1:" + name + ":";
    }

    @Override
    public byte[] encrypt(byte[] plain, String key) throws GeneralSecurityException {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(secret, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plain);
      byte[] out = Arrays.copyOf(nonce, nonce.length + sealed.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return out;
    }

    @Override
    public byte[] decrypt(byte[] sealed, String key) throws GeneralSecurityException {
      if (sealed.length < 12 + 16) {
        throw new GeneralSecurityException("the stored data was shorter than the required size");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(secret, "AES"),
          new GCMParameterSpec(128, sealed, 0, 12));
      c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(sealed, 12, sealed.length - 12);
    }
  }

  /** AES-CBC with PKCS#7 padding and a random 16-byte IV, as upstream's aescbc. */
  record AesCbc(String name, byte[] secret) implements Provider {
    @Override
    public String prefix() {
      return "k8s:enc:aescbc:v1:" + name + ":";
    }

    @Override
    public byte[] encrypt(byte[] plain, String key) throws GeneralSecurityException {
      byte[] iv = new byte[16];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(secret, "AES"), new IvParameterSpec(iv));
      byte[] sealed = c.doFinal(plain);
      byte[] out = Arrays.copyOf(iv, iv.length + sealed.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return out;
    }

    @Override
    public byte[] decrypt(byte[] sealed, String key) throws GeneralSecurityException {
      if (sealed.length < 32 || sealed.length % 16 != 0) {
        throw new GeneralSecurityException("the stored data is not a multiple of the block size");
      }
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(secret, "AES"),
          new IvParameterSpec(sealed, 0, 16));
      return c.doFinal(sealed, 16, sealed.length - 16);
    }
  }
}
