/** OpenAPI content of an error response (the ProblemFilter body), with one example. */
export const problemResponse = (statusCode: number, error: string, message: string) => ({
  schema: {
    type: 'object',
    properties: {
      statusCode: { type: 'integer' },
      error: { type: 'string' },
      message: { type: 'string' },
      errors: { type: 'array', items: { type: 'string' } },
    },
  },
  examples: { problem: { summary: error, value: { statusCode, error, message } } },
});
