// What the processor does with each topic: validate against the topic's contract, then
// turn the message into rows. A new stream is one entry here.
import { InfoSampleV1, TOPICS, validator, type Validation } from '../contracts/index.ts';
import { infoRows } from './rows/info-rows.ts';
import type { KafkaSource, TableRows } from './rows/source.ts';

export interface TopicHandler {
  topic: string;
  /** Raw tables this topic writes; each has a watermark view (migrations/0002). */
  tables: readonly string[];
  validate(input: unknown): Validation<unknown>;
  toRows(message: unknown, src: KafkaSource): TableRows;
}

function handler<T>(topic: string, tables: string[], validate: (i: unknown) => Validation<T>, toRows: (m: T, s: KafkaSource) => TableRows): TopicHandler {
  return { topic, tables, validate, toRows: (m, s) => toRows(m as T, s) };
}

export const HANDLERS: readonly TopicHandler[] = [
  handler(TOPICS.info, ['info_samples'], validator(InfoSampleV1), infoRows),
];

export function handlerFor(topic: string): TopicHandler | undefined {
  return HANDLERS.find((h) => h.topic === topic);
}
