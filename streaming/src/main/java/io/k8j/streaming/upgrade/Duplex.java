package io.k8j.streaming.upgrade;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** Both directions of an upgraded connection, as blocking streams; closing ends the connection. */
public interface Duplex extends Closeable {
  InputStream input();

  OutputStream output();

  @Override
  void close();
}
