// Query fields shared by the slowlog routes.
import Type from 'typebox';
import { CommandName, InstanceId } from '../../schemas/common.ts';

export const SlowlogFilterQuery = {
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: `to` minus 24 h' }),
  ),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: now' })),
  instance: Type.Optional(InstanceId),
  command: Type.Optional(CommandName),
  client: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 300,
      pattern: '^[^\\s]+$',
      description: 'client ip, ip:port or CLIENT SETNAME name',
    }),
  ),
  minDurationUs: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'only entries at least this slow, µs' }),
  ),
};
