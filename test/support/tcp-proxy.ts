import net from 'node:net';

/**
 * A TCP proxy in the test process, between the application and the PostgreSQL server, so a
 * test can simulate a network outage (cut/restore) or a stalled database (pause/resume)
 * without touching the shared server other tests use.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private paused = false;
  // Chunks held while paused, in arrival order, with the socket they were bound for.
  private held: { to: net.Socket; chunk: Buffer }[] = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on 127.0.0.1 (on a free port the first time, on the same port after a cut). */
  async start(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** The outage: every open connection is destroyed and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.held = [];
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The end of the outage: connections are accepted again on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.start();
  }

  /** Stops forwarding bytes (both ways) while keeping connections open: queries hang. */
  pause(): void {
    this.paused = true;
  }

  /** Chunks held since pause(): a query has reached the stalled database. */
  get heldChunks(): number {
    return this.held.length;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (this.paused) this.held.push({ to, chunk });
        else if (!to.destroyed) to.write(chunk);
      });
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
    };
    forward(client, upstream);
    forward(upstream, client);
  }
}
