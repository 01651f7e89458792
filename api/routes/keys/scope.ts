// Query fields shared by the key routes.
import Type from 'typebox';
import { InstanceId } from '../../schemas/common.ts';

export const KeysScopeQuery = {
  instance: Type.Optional(InstanceId),
};
