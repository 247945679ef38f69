package io.k8j.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * One key of one provider, with the prefix its values carry ({@code k8s:enc:aesgcm:v1:key1:}); the
 * identity provider has no prefix and leaves values as they are.
 */
public sealed interface Provider
    permits Provider.Identity, Provider.AesGcm, Provider.AesCbc, Provider.Secretbox, KmsV2 {
  SecureRandom RANDOM = new SecureRandom();

  /** What values written by this provider start with ("" for identity). */
  String prefix();

  byte[] encrypt(byte[] plain, String key) throws GeneralSecurityException;

  /** Decrypts the bytes after the prefix. */
  byte[] decrypt(byte[] sealed, String key) throws GeneralSecurityException;

  /**
   * Whether a value this provider wrote (the bytes after the prefix) was written with a key it no
   * longer writes with, and should be rewritten.
   */
  default boolean isStale(byte[] sealed) {
    return false;
  }

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

  /**
   * NaCl's secretbox (XSalsa20 and Poly1305) with a 32-byte key, as upstream's secretbox: a random
   * 24-byte nonce, then the 16-byte tag and the ciphertext. It authenticates no additional data.
   */
  record Secretbox(String name, byte[] secret) implements Provider {
    private static final int NONCE = 24;
    private static final int TAG = 16;

    @Override
    public String prefix() {
      return "k8s:enc:secretbox:v1:" + name + ":";
    }

    @Override
    public byte[] encrypt(byte[] plain, String key) {
      byte[] out = new byte[NONCE + TAG + plain.length];
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      System.arraycopy(nonce, 0, out, 0, NONCE);
      XSalsa20Engine stream = stream(nonce);
      Poly1305 mac = mac(stream);
      stream.processBytes(plain, 0, plain.length, out, NONCE + TAG);
      mac.update(out, NONCE + TAG, plain.length);
      mac.doFinal(out, NONCE);
      return out;
    }

    @Override
    public byte[] decrypt(byte[] sealed, String key) throws GeneralSecurityException {
      if (sealed.length < NONCE + TAG) {
        throw new GeneralSecurityException("the stored data was shorter than the required size");
      }
      XSalsa20Engine stream = stream(Arrays.copyOf(sealed, NONCE));
      Poly1305 mac = mac(stream);
      int length = sealed.length - NONCE - TAG;
      mac.update(sealed, NONCE + TAG, length);
      byte[] expected = new byte[TAG];
      mac.doFinal(expected, 0);
      if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(sealed, NONCE, NONCE + TAG))) {
        throw new GeneralSecurityException("output array was not large enough for encryption");
      }
      byte[] plain = new byte[length];
      stream.processBytes(sealed, NONCE + TAG, length, plain, 0);
      return plain;
    }

    private XSalsa20Engine stream(byte[] nonce) {
      XSalsa20Engine e = new XSalsa20Engine();
      e.init(true, new ParametersWithIV(new KeyParameter(secret), nonce));
      return e;
    }

    /** Poly1305 keyed with the stream's first 32 bytes, which {@code stream} is then past. */
    private static Poly1305 mac(XSalsa20Engine stream) {
      byte[] macKey = new byte[32];
      stream.processBytes(new byte[32], 0, 32, macKey, 0);
      Poly1305 mac = new Poly1305();
      mac.init(new KeyParameter(macKey));
      return mac;
    }
  }
}
