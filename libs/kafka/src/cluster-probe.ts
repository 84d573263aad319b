import { OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';

/**
 * Asks the cluster for its metadata over one long-lived admin connection: a
 * health probe that opens a connection per call would itself load the broker
 * (and each probe would pay the handshake). The connection is opened on the
 * first probe, and opened again on the next probe after one that failed.
 */
export class ClusterProbe implements OnApplicationShutdown {
  private readonly admin: Admin;
  private connected?: Promise<void>;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  async check(): Promise<void> {
    this.connected ??= this.admin.connect();
    try {
      await this.connected;
      await this.admin.describeCluster();
    } catch (error) {
      this.connected = undefined;
      await this.admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }
}
