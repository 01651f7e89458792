// The baseline for bench/collector.ts: the least any collector must do — INFO everything
// from every instance once a second with ioredis — without parsing, other samplers or
// Kafka. Addresses come as arguments; runs until killed.
import { Redis } from 'ioredis';

const clients = process.argv.slice(2).map((a) => new Redis({ host: a.split(':')[0], port: Number(a.split(':')[1]) }));
setInterval(() => {
  for (const c of clients) void c.info('everything').catch(() => {});
}, 1000);
