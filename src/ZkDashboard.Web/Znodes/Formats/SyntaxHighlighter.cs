namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>Token classes for syntax colouring.</summary>
public enum TokenKind
{
    Plain,
    Key,
    String,
    Number,
    Literal,
    Punctuation,
    Comment,
    Tag,
}

/// <summary>A run of text with one colour. Rendered as text inside a span — never as markup.</summary>
public readonly record struct Token(string Text, TokenKind Kind);

/// <summary>A small tokenizer for colouring JSON, XML and properties in the read-only views.</summary>
public static class SyntaxHighlighter
{
    /// <summary>Beyond this many characters the text is shown uncoloured.</summary>
    public const int MaxHighlightChars = 256 * 1024;

    public static IReadOnlyList<Token> Tokenize(string text, DataFormat format)
    {
        if (text.Length > MaxHighlightChars)
        {
            return [new Token(text, TokenKind.Plain)];
        }

        return format switch
        {
            DataFormat.Json => Json(text),
            DataFormat.Xml => Xml(text),
            DataFormat.Properties => Properties(text),
            _ => [new Token(text, TokenKind.Plain)],
        };
    }

    private static List<Token> Json(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        var plainStart = 0;
        void FlushPlain(int end)
        {
            if (end > plainStart)
            {
                tokens.Add(new Token(text[plainStart..end], TokenKind.Plain));
            }
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                FlushPlain(i);
                var start = i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(text.Length, i + 1);
                var j = i;
                while (j < text.Length && char.IsWhiteSpace(text[j]))
                {
                    j++;
                }

                tokens.Add(new Token(text[start..i], j < text.Length && text[j] == ':' ? TokenKind.Key : TokenKind.String));
                plainStart = i;
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                FlushPlain(i);
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '-' or '+' or '.' or 'e' or 'E'))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], TokenKind.Number));
                plainStart = i;
            }
            else if (char.IsAsciiLetter(c))
            {
                FlushPlain(i);
                var start = i;
                while (i < text.Length && char.IsAsciiLetter(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], TokenKind.Literal));
                plainStart = i;
            }
            else if (c is '{' or '}' or '[' or ']' or ':' or ',')
            {
                FlushPlain(i);
                tokens.Add(new Token(c.ToString(), TokenKind.Punctuation));
                plainStart = ++i;
            }
            else
            {
                i++;
            }
        }

        FlushPlain(text.Length);
        return tokens;
    }

    private static List<Token> Xml(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<')
            {
                var isComment = string.CompareOrdinal(text, i, "<!--", 0, 4) == 0;
                var end = isComment ? text.IndexOf("-->", i, StringComparison.Ordinal) : text.IndexOf('>', i);
                end = end < 0 ? text.Length : end + (isComment ? 3 : 1);
                tokens.Add(new Token(text[i..end], isComment ? TokenKind.Comment : TokenKind.Tag));
                i = end;
            }
            else
            {
                var next = text.IndexOf('<', i);
                next = next < 0 ? text.Length : next;
                tokens.Add(new Token(text[i..next], TokenKind.Plain));
                i = next;
            }
        }

        return tokens;
    }

    private static List<Token> Properties(string text)
    {
        var tokens = new List<Token>();
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var newline = n < lines.Length - 1 ? "\n" : string.Empty;
            var trimmed = line.TrimStart();
            var eq = line.IndexOf('=');
            if (trimmed.StartsWith('#') || trimmed.StartsWith('!'))
            {
                tokens.Add(new Token(line + newline, TokenKind.Comment));
            }
            else if (eq > 0)
            {
                tokens.Add(new Token(line[..eq], TokenKind.Key));
                tokens.Add(new Token("=", TokenKind.Punctuation));
                tokens.Add(new Token(line[(eq + 1)..] + newline, TokenKind.String));
            }
            else
            {
                tokens.Add(new Token(line + newline, TokenKind.Plain));
            }
        }

        return tokens;
    }
}
