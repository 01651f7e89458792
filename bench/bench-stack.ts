// The benchmarks' own stack: separate ports and data dir, so a benchmark neither floods
// a developer's topics nor is disturbed by them. Ports stay below Linux's ephemeral
// range (32768–60999), where an outgoing connection could already hold them.
//
// BENCH_STACK=env uses the REDSCOPE_STACK_* ports and REDSCOPE_STACK_DIR instead (the
// developer's own stack): for a benchmark that counts rather than times (`quiet`), which
// may then run beside a timed one holding the shared benchmark ports.
import { stackDataDir, stackPortsFromEnv } from '../stack/index.ts';

const FROM_ENV = process.env.BENCH_STACK === 'env';

export const BENCH_PORTS = FROM_ENV
  ? stackPortsFromEnv()
  : {
      redisBasePort: 7300,
      kafkaPort: 29392,
      kafkaControllerPort: 29393,
      clickhouseHttpPort: 28323,
      clickhouseTcpPort: 29300,
      zookeeperPort: 29181,
      clickhouseReplicaBasePort: 28400,
      kafkaSaslSslPort: 29394,
      clickhouseHttpsPort: 28443,
      redisTlsBasePort: 7310,
    };
export const BENCH_STACK_DIR = FROM_ENV
  ? stackDataDir()
  : new URL('../.redscope/bench-stack', import.meta.url).pathname;
