/**
 * Real TLS servers on loopback for the probe to connect to: each on its own 127.x.y.z address (so many can listen on
 * 443 at once, as endpoints do in AWS), answering each SNI name with its own certificate and unknown names with a
 * default one, as an ALB or CloudFront does. A site can change its certificate while the server runs (a renewal
 * picked up). Besides, a "black hole" that accepts connections and never answers (a probe must time out) and a
 * refused address (nothing listens).
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer, type SecureContext } from 'node:tls';
import { nameCovers } from '../../lambdas/core/probe/discovery';

/** What a site serves: PEM certificate chain (leaf first) and key. */
export interface ServedPem {
  certPem: string;
  keyPem: string;
}

export interface SimTlsServer {
  address: string;
  port: number;
  /** Serves `pem` for `name` (exact, or `*.rest` for names one label under `rest`) from the next handshake on. */
  setSite(name: string, pem: ServedPem): void;
  removeSite(name: string): void;
  setDefault(pem: ServedPem): void;
  close(): Promise<void>;
}

const used = new Set<string>();

/**
 * A loopback address nobody in this process uses. Random in 127.0.0.0/8 (all of it is loopback on Linux), so test
 * files running side by side, and other programs on the machine, rarely meet; listening retries on a clash.
 */
export function loopbackAddress(): string {
  for (;;) {
    const address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${2 + Math.floor(Math.random() * 250)}`;
    if (!used.has(address)) {
      used.add(address);
      return address;
    }
  }
}

async function listen(server: Server, port: number, fixed?: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const address = fixed ?? loopbackAddress();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return address;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || fixed !== undefined || attempt > 20) throw error;
    }
  }
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** A TLS server on `port` of a fresh loopback address (or `address`). */
export async function startTlsServer(opts: {
  port: number;
  defaultPem: ServedPem;
  /**
   * The root of the served chains. Every context gets its own store holding only it: without one, Node files each
   * context's intermediates in the process-wide default store, from which OpenSSL then completes chains a server
   * sent incomplete (and the probe, in the same process, would see a chain no real server sent).
   */
  rootPem: string;
  address?: string;
}): Promise<SimTlsServer> {
  const sites = new Map<string, SecureContext>();
  const context = (pem: ServedPem) => createSecureContext({ cert: pem.certPem, key: pem.keyPem, ca: opts.rootPem });
  let fallback = context(opts.defaultPem);
  const server = createServer({
    SNICallback: (servername, callback) => {
      const exact = sites.get(servername.toLowerCase());
      const wildcard = [...sites.entries()].find(([name]) => name.startsWith('*.') && nameCovers(name, servername));
      callback(null, exact ?? wildcard?.[1] ?? fallback);
    },
    // The server's own context holds the default leaf alone: OpenSSL keeps sending the chain certificates of the
    // context a connection started with after SNI switches it to another, which would complete every chain a site
    // serves incomplete. Clients that send SNI (the probe always does, for names) get the default's full chain
    // through the SNICallback; a client without SNI gets the bare leaf.
    cert: opts.defaultPem.certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0] ?? '',
    key: opts.defaultPem.keyPem,
    ca: opts.rootPem,
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A probe that hangs up mid-handshake is normal; the server must not crash on it.
  server.on('tlsClientError', () => {});
  const address = await listen(server, opts.port, opts.address);
  return {
    address,
    port: opts.port,
    setSite: (name, pem) => sites.set(name.toLowerCase(), context(pem)),
    removeSite: (name) => sites.delete(name.toLowerCase()),
    setDefault: (pem) => {
      fallback = context(pem);
    },
    close: closer(server, sockets),
  };
}

/** Accepts TCP connections and never answers: what a probe sees behind a firewall that drops after the SYN. */
export async function startBlackHole(port: number): Promise<{ address: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const address = await listen(server, port);
  return { address, port, close: closer(server, sockets) };
}
