using System.Buffers;
using System.Text;
using CsCheck;
using HelmSentinel.Deploy;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// <c>--set</c> and <c>--set-string</c> items as helm's strvals parser reads them, against the validator's rules: the
/// validator accepts exactly what a small model accepts, valid pairs pass, keys with a character outside the rules are
/// refused, and nothing crashes.
/// </summary>
/// <remarks>
/// The model: the key ends at the first <c>=</c> that no <c>\</c> escapes; a <c>\</c> takes the whole next character
/// (helm reads runes, so an escaped emoji is one character); the key is not empty, and each of its unescaped characters
/// is a letter or digit of any script or one of <c>_ - / . [ ]</c>. The value is helm's business.
/// </remarks>
public sealed class SetAssignmentProperties
{
    private static readonly string[] KeyPieces =
    [
        "a", "b", "Z", "0", "9", "_", "-", "/", ".", "[", "]", "[0]", "image", "tag", "\u00E9", "\u03A9", "\u65E5", "\u0663",
        "\uD801\uDC00", "\uD840\uDC00", "\\=", "\\,", "\\.", "\\ ", "\\\\", "\\\uD83D\uDE00", "\\\uD800",
    ];

    private static readonly string[] Forbidden =
    [
        " ", ",", ":", "{", "}", "\"", "*", "!", "@", "#", "%", "^", "&", "|", "<", ">", "?", ";", "'", "`", "~", "+", "\t", "\0",
        "\u00B2", "\u2162", "\u0301", "\u00A0", "\u200B", "\uD83D\uDE00", "\uD800", "\uDC00",
    ];

    private static readonly Gen<string> Item = Gen.Frequency(
        (6, Gen.OneOf(KeyPieces)),
        (3, Gen.OneOf("=", "\\", "==", "\\\\=")),
        (3, Gen.OneOf(Forbidden)),
        (1, Generators.Piece)).Array[0, 10].Select(pieces => string.Concat(pieces));

    private static readonly Gen<string[]> ValidKey = Gen.OneOf(KeyPieces).Array[1, 8];

    [Fact]
    public void Validator_AcceptsExactlyWhatTheModelAccepts() =>
        Gen.Select(Item, Gen.Bool).Sample((item, setString) =>
        {
            var input = setString ? DeployInputNames.SetString : DeployInputNames.Set;
            var errors = Errors(item, setString);

            if ((errors.Count == 0) != ModelAccepts(item) || errors.Count > 1 || errors.Any(e => e.Input != input))
            {
                errors.Should().HaveCount(ModelAccepts(item) ? 0 : 1, "the model {0} {1}", ModelAccepts(item) ? "accepts" : "refuses", Generators.Show(item));
                errors.Should().OnlyContain(e => e.Input == input);
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, set-string: {t.Item2})");

    [Fact]
    public void ValidPairs_AreAccepted() =>
        Gen.Select(ValidKey, Generators.Hostile, Gen.Bool).Sample((key, value, setString) =>
        {
            var item = string.Concat(key) + "=" + value;

            var errors = Errors(item, setString);

            if (errors.Count > 0)
            {
                errors.Should().BeEmpty("{0} is a valid pair", Generators.Show(item));
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, {Generators.Show(t.Item2)}, set-string: {t.Item3})");

    [Fact]
    public void KeysWithAForbiddenCharacter_AreRefused_NamingTheKey() =>
        Gen.Select(ValidKey, Gen.OneOf(Forbidden), Gen.Int[0, 8], Generators.Hostile).Sample((key, forbidden, at, value) =>
        {
            var pieces = key.ToList();
            pieces.Insert(Math.Min(at, pieces.Count), forbidden);
            var item = string.Concat(pieces) + "=" + value;

            if (ModelAccepts(item))
            {
                // The piece completed the one before it (an escaped high surrogate took a low one): not a forbidden key.
                return;
            }

            var errors = Errors(item, setString: false);

            if (errors.Count != 1 || errors[0].Input != DeployInputNames.Set || !errors[0].Message.StartsWith("set key '", StringComparison.Ordinal))
            {
                errors.Should().ContainSingle("{0} has a forbidden key", Generators.Show(item)).Which.Message.Should().StartWith("set key '");
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, {Generators.Show(t.Item2)}, {t.Item3}, {Generators.Show(t.Item4)})");

    // Shrunk counterexample: the key was checked one UTF-16 unit at a time, so a letter outside the BMP (U+10400) was
    // refused as "contains '\uD801'", half a character.
    [Fact]
    public void Validate_AKeyWithALetterOutsideTheBmp_IsAccepted()
    {
        Errors("\uD801\uDC00==", setString: false).Should().BeEmpty();
    }

    // The same cause: '\' escaped half of the emoji, and the other half was refused.
    [Fact]
    public void Validate_AnEscapedEmojiInAKey_IsAccepted()
    {
        Errors("a\\\uD83D\uDE00=1", setString: false).Should().BeEmpty();
    }

    [Fact]
    public void Validate_AnInvisibleCharacterInAKey_IsNamedByItsCodePoint()
    {
        Errors("a\0b=1", setString: false).Should().ContainSingle().Which.Message.Should().Contain("contains the invisible character U+0000");
    }

    private static IReadOnlyList<InputError> Errors(string item, bool setString) =>
        DeployRequestValidator.Validate(setString
            ? new DeployRequest { Release = "web", Chart = "repo/web", SetString = [item] }
            : new DeployRequest { Release = "web", Chart = "repo/web", Set = [item] });

    private static bool ModelAccepts(string item)
    {
        var rest = item.AsSpan();
        var keyLength = 0;
        var keyValid = true;
        while (!rest.IsEmpty && rest[0] != '=')
        {
            var escaped = rest[0] == '\\';
            if (escaped)
            {
                rest = rest[1..];
                if (rest.IsEmpty)
                {
                    return false;
                }
            }

            var status = Rune.DecodeFromUtf16(rest, out var rune, out var length);
            if (!escaped && (status != OperationStatus.Done || !(Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '/' or '.' or '[' or ']')))
            {
                keyValid = false;
            }

            rest = rest[length..];
            keyLength++;
        }

        return !rest.IsEmpty && keyLength > 0 && keyValid;
    }
}
