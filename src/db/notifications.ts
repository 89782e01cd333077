import pg from 'pg';

/** What a subscriber to a NOTIFY channel is told. */
export interface NotificationSubscriber {
  /** A payload sent with `pg_notify(channel, payload)`, delivered once its transaction committed. */
  notify(payload: string): void;
  /** The channel is listened to: from now on, every committed notification reaches `notify`. */
  listening(): void;
  /**
   * The listening connection is gone: notifications may be missed until `listening` is called
   * again (after a reconnection).
   */
  lost(): void;
}

/**
 * PostgreSQL LISTEN/NOTIFY for this process. The server implementation listens on a dedicated
 * connection that reconnects on its own; the embedded one listens on PGlite's single session.
 */
export interface Notifications {
  /** Listens to `channel` (a plain lower-case identifier); returns the unsubscribe function. */
  subscribe(channel: string, subscriber: NotificationSubscriber): () => void;
  /**
   * Resolves once every notification committed before the call has been handed to the
   * subscribers (one round trip on the listening connection; nothing to wait for on PGlite).
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The channel of the session caches' invalidation (migration 20261129100000_session_invalidation.sql). */
export const AUTH_CHANNEL = 'guichet_auth';
/**
 * Channels every connection of the server pools listens to from its start, so that a change made
 * on it is passed on before its COMMIT returns (ServerNotifications.prepare).
 */
export const SELF_DELIVERED_CHANNELS = [AUTH_CHANNEL];
/** What a connection of the pools runs once, and again after `discard all`. */
export const LISTEN_SELF_DELIVERED = SELF_DELIVERED_CHANNELS.map((c) => `listen ${c}`).join('; ');

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
/** The listening connection is pinged this often; no answer within PING_TIMEOUT_MS counts as lost. */
const PING_INTERVAL_MS = 10_000;
const PING_TIMEOUT_MS = 5_000;
/** Reconnection delays: doubled from the first to the last. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 10_000;
/** The listening connection's name in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'guichet-listener';

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
}

abstract class Subscriptions {
  protected readonly channels = new Map<string, Set<NotificationSubscriber>>();

  protected add(channel: string, subscriber: NotificationSubscriber): { first: boolean; remove: () => void } {
    checkChannel(channel);
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(subscriber);
    return {
      first,
      remove: () => {
        set.delete(subscriber);
      },
    };
  }

  protected dispatch(channel: string, payload: string): void {
    for (const subscriber of this.channels.get(channel) ?? []) subscriber.notify(payload);
  }

  protected all(): NotificationSubscriber[] {
    return [...this.channels.values()].flatMap((set) => [...set]);
  }
}

/**
 * LISTEN on a PostgreSQL server.
 *
 * - A dedicated connection listens to every subscribed channel: it is what hears other
 *   processes' changes. When it drops (error, end, or no answer to a ping), subscribers are told
 *   `lost`, and it reconnects with growing delays; once listening again they are told `listening`.
 * - The connections of this process's pools LISTEN too, from their start (`prepare`, the pools'
 *   `onConnect` hook), and pass on their own notifications only. PostgreSQL delivers a session's
 *   own notifications at the end of its transaction, before the COMMIT returns: a change this
 *   process makes is thus seen by its subscribers before the use case that made it goes on, not
 *   a moment later. (The listening connection delivers it a second time: harmless.)
 */
export class ServerNotifications extends Subscriptions implements Notifications {
  private client: pg.Client | null = null;
  private up = false;
  private closed = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private ended: Promise<void> = Promise.resolve();
  /** Statements on the listening connection, one at a time (pg will not queue them for us). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly url: string) {
    super();
  }

  subscribe(channel: string, subscriber: NotificationSubscriber): () => void {
    if (this.closed) throw new Error('notifications closed');
    const { first, remove } = this.add(channel, subscriber);
    if (!this.client) {
      void this.connect();
    } else if (this.up) {
      const client = this.client;
      if (first) {
        this.run(client, `listen ${channel}`).then(
          () => this.client === client && this.up && subscriber.listening(),
          () => this.drop(client),
        );
      } else {
        subscriber.listening();
      }
    }
    return remove;
  }

  async sync(): Promise<void> {
    const client = this.client;
    if (!client || !this.up) return;
    await this.run(client, 'select 1').catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.client) this.drop(this.client);
    await this.ended;
  }

  /**
   * The pools' `onConnect` hook: a new connection listens to SELF_DELIVERED_CHANNELS before it is
   * handed out, and passes on its own notifications only (others' come through the listening
   * connection, and would come again, later, from every idle connection of the pool).
   */
  async prepare(client: pg.ClientBase): Promise<void> {
    const self = client as pg.ClientBase & { processID?: number };
    client.on('notification', (n) => {
      if (n.processId === self.processID) this.dispatch(n.channel, n.payload ?? '');
    });
    // Without it the change is still seen, a moment later, through the listening connection.
    await client.query(LISTEN_SELF_DELIVERED).catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed || this.client) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    this.client = client;
    client.on('notification', (n) => this.dispatch(n.channel, n.payload ?? ''));
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await this.run(client, `listen ${channel}`);
    } catch {
      this.drop(client);
      return;
    }
    if (this.client !== client) return;
    this.up = true;
    this.retryMs = RETRY_FIRST_MS;
    this.pingTimer = setInterval(() => this.ping(client), PING_INTERVAL_MS);
    this.pingTimer.unref();
    for (const subscriber of this.all()) subscriber.listening();
  }

  /** A connection that stopped answering (half-open TCP) fires no event: a ping finds it. */
  private ping(client: pg.Client): void {
    const timeout = setTimeout(() => this.drop(client), PING_TIMEOUT_MS);
    timeout.unref();
    this.run(client, 'select 1').then(
      () => clearTimeout(timeout),
      () => {
        clearTimeout(timeout);
        this.drop(client);
      },
    );
  }

  private run(client: pg.Client, text: string): Promise<unknown> {
    const result = this.queue.then(() => client.query(text));
    this.queue = result.catch(() => {});
    return result;
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    const wasUp = this.up;
    this.up = false;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.ended = client.end().catch(() => {});
    if (wasUp || this.closed) for (const subscriber of this.all()) subscriber.lost();
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

/** The part of PGlite this module uses. */
export interface PGliteNotificationSource {
  onNotification(callback: (channel: string, payload: string) => void): () => void;
}

/**
 * LISTEN on embedded PGlite: one session serves the whole process, so its notifications come
 * back with the result of the COMMIT that raised them (PGlite hands them to its callbacks as
 * microtasks while it reads that result), and no connection can drop.
 */
export class EmbeddedNotifications extends Subscriptions implements Notifications {
  private readonly stop: () => void;
  private readonly listened = new Set<string>();

  constructor(
    source: PGliteNotificationSource,
    /** The pool holding PGlite's one connection: LISTEN goes through it, never inside a transaction in progress. */
    private readonly pool: pg.Pool,
  ) {
    super();
    this.stop = source.onNotification((channel, payload) => this.dispatch(channel, payload));
  }

  subscribe(channel: string, subscriber: NotificationSubscriber): () => void {
    const { remove } = this.add(channel, subscriber);
    const ready = this.listened.has(channel)
      ? Promise.resolve()
      : this.pool.query(`listen ${channel}`).then(() => {
          this.listened.add(channel);
        });
    ready.then(
      () => subscriber.listening(),
      () => subscriber.lost(),
    );
    return remove;
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    this.stop();
    for (const subscriber of this.all()) subscriber.lost();
  }
}
