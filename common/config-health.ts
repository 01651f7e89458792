import Type from 'typebox';

/** A process's GET /health address (port 0: any free one), or null: off. Default: loopback and `port`. */
export const HealthEndpoint = (port: number) =>
  Type.Union(
    [
      Type.Object(
        { host: Type.String(), port: Type.Integer({ minimum: 0, maximum: 65535 }) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ],
    { default: { host: '127.0.0.1', port } },
  );
