package dev.dynsecret.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between the JDBC driver and PostgreSQL that can be switched to drop the
 * traffic on the floor, as a network partition does: connections and bytes are accepted but
 * nothing is answered (no refusal, no reset), so a client that does not bound its waits hangs.
 * While black-holed, the relay stops reading, so what was sent waits in the sockets' buffers;
 * when it heals, relaying resumes, as after a partition whose TCP connections survived.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean blackHoled;
  private volatile boolean closed;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Drops (holds) all traffic, on existing connections and new ones, until {@link #heal()}. */
  void blackHole() {
    blackHoled = true;
  }

  void heal() {
    synchronized (gate) {
      blackHoled = false;
      gate.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread connector = new Thread(() -> relay(client), "tcp-proxy-conn");
        connector.setDaemon(true);
        connector.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    try {
      awaitPassable();
      Socket upstream = new Socket();
      sockets.add(upstream);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
      pump(client, upstream, "up");
      pump(upstream, client, "down");
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        while (true) {
          awaitPassable();
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          awaitPassable(); // bytes read just before the switch are held too
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // One side closed or reset: close the other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-" + direction);
    pump.setDaemon(true);
    pump.start();
  }

  private void awaitPassable() throws InterruptedException {
    synchronized (gate) {
      while (blackHoled && !closed) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    heal();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(TcpProxy::closeQuietly);
  }
}
