import { bool, csvField, csvHeader, csvRecord, defuseFormula, numeric, quoteField, text } from './csv';

describe('CSV (RFC 4180) with formula-injection protection', () => {
  it('leaves plain text alone', () => {
    expect(csvField(text('C000123'))).toBe('C000123');
    expect(csvField(text('Rossi S.p.A.'))).toBe('Rossi S.p.A.');
  });

  it('quotes fields with commas, double quotes, CR or LF and doubles the double quotes', () => {
    expect(quoteField('Rossi, Bianchi & C.')).toBe('"Rossi, Bianchi & C."');
    expect(quoteField('the "best" customer')).toBe('"the ""best"" customer"');
    expect(quoteField('two\nlines')).toBe('"two\nlines"');
    expect(quoteField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(quoteField('a "b", c')).toBe('"a ""b"", c"');
  });

  it.each(['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'prefixes text starting with a formula character with a single quote: %j',
    (value) => {
      expect(defuseFormula(value)).toBe(`'${value}`);
      expect(csvField(text(value))).toBe(quoteField(`'${value}`));
    },
  );

  it('defuses first, then quotes (the quote goes inside the double quotes)', () => {
    expect(csvField(text('=1,2'))).toBe(`"'=1,2"`);
    expect(csvField(text('=A1&"x"'))).toBe(`"'=A1&""x"""`);
    expect(csvField(text('-C/01'))).toBe(`'-C/01`);
  });

  it('writes numbers and money as they are, negative ones included', () => {
    expect(csvField(numeric('-12.00'))).toBe('-12.00');
    expect(csvField(numeric('1550.50'))).toBe('1550.50');
    expect(csvField(numeric(-3))).toBe('-3');
    expect(csvField(numeric(0))).toBe('0');
  });

  it('treats a "number" that is not one as text', () => {
    expect(csvField(numeric('-1+2'))).toBe(`'-1+2`);
    expect(csvField(numeric('=1'))).toBe(`'=1`);
    expect(csvField(numeric('1,5'))).toBe('"1,5"');
  });

  it('writes null as an empty field and booleans as true/false', () => {
    expect(csvField(text(null))).toBe('');
    expect(csvField(numeric(null))).toBe('');
    expect(csvField(bool(null))).toBe('');
    expect(csvField(bool(true))).toBe('true');
    expect(csvField(bool(false))).toBe('false');
  });

  it('ends each record with CRLF', () => {
    expect(csvHeader(['customerId', 'total'])).toBe('customerId,total\r\n');
    expect(csvRecord([text('Rossi, "Mario"'), numeric('-12.00'), text('=cmd'), bool(true)])).toBe(
      `"Rossi, ""Mario""",-12.00,'=cmd,true\r\n`,
    );
  });
});
