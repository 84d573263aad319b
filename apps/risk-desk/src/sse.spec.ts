import { SseParser } from './sse';

describe('SseParser', () => {
  it('returns complete events only, whatever the chunk boundaries', () => {
    const text = 'event: ready\ndata: {"a":1}\n\n: keep-alive\n\nid: e1\nevent: change\ndata: {"b":2}\n\n';
    for (let size = 1; size <= text.length; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      expect(events).toEqual([
        { event: 'ready', data: '{"a":1}', id: undefined },
        { event: 'change', data: '{"b":2}', id: 'e1' },
      ]);
    }
  });

  it('joins multi-line data, accepts CRLF and defaults the event name to message', () => {
    const parser = new SseParser();
    expect(parser.push('data: one\r\ndata:two\r\n\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'one\ntwo', id: undefined }]);
  });

  it('ignores comments and events without data', () => {
    expect(new SseParser().push(': hi\n\nevent: empty\n\n')).toEqual([]);
  });
});
