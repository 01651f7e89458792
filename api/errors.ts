// One error handler for the whole API: every client mistake is a 4xx whose message says
// what is wrong; server-side details (SQL, ClickHouse messages) stay in the log.
import { STATUS_CODES } from 'node:http';
import { clickhouseErrorCode } from '../common/clickhouse.ts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SqlValueError } from '../common/sql.ts';
import { QUERY_TIME_LIMIT_SECONDS } from './queries/run.ts';

// ClickHouse error codes that a request can cause and the client can fix by asking less.
const TOO_EXPENSIVE = new Set([
  '159' /* TIMEOUT_EXCEEDED */,
  '158' /* TOO_MANY_ROWS */,
  '241' /* MEMORY_LIMIT_EXCEEDED */,
  '307' /* TOO_MANY_BYTES */,
  '396' /* TOO_MANY_ROWS_OR_BYTES */,
]);
// A table the API reads is not there yet: migrations have not run on this database.
const NOT_READY = new Set(['60' /* UNKNOWN_TABLE */, '81' /* UNKNOWN_DATABASE */]);

function send(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
}

export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.validation) {
    // Fastify's message names the field: "querystring/step must be <= 86400".
    return send(
      reply,
      400,
      `${err.validationContext ?? 'request'}${err.message.replace(/^(querystring|params|body|headers)/, '')}`,
    );
  }
  if (err instanceof SqlValueError) return send(reply, 400, err.message);
  const code = clickhouseErrorCode(err);
  if (code !== undefined) {
    if (TOO_EXPENSIVE.has(code)) {
      req.log.warn({ code }, 'query over its limits');
      return send(
        reply,
        422,
        `the query needed more than ClickHouse allows one request (${QUERY_TIME_LIMIT_SECONDS} s): narrow the time range or add filters`,
      );
    }
    if (NOT_READY.has(code)) {
      req.log.error({ code }, 'schema missing');
      return send(reply, 503, 'the ClickHouse schema is not ready (migrations pending); retry shortly');
    }
  }
  const status = err.statusCode ?? 500;
  if (status < 500) return send(reply, status, err.message);
  if (isConnectionError(err)) {
    req.log.error({ err: err.message }, 'ClickHouse unreachable');
    return send(reply, 503, 'ClickHouse is unreachable; retry shortly');
  }
  req.log.error({ err }, 'request failed');
  return send(reply, 500, `internal error (request ${req.id})`);
}

function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(err.code ?? '') ||
    /Timeout error|socket hang up/.test(err.message)
  );
}
