<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A C2SP signed note whose text is a witness-protocol §2 checkpoint: origin, size, root, then
 * an empty line and "— name base64" signature lines.
 */
final class SignedNote
{
    /** Most signature lines read (as golang.org/x/mod/sumdb/note). */
    public const MAX_LINES = 100;

    /** @param list<array{0: string, 1: string}> $lines (name, decoded signature bytes) */
    private function __construct(
        public readonly string $text,
        public readonly array $lines,
        public readonly string $origin,
        public readonly int $size,
        public readonly string $root,
    ) {
    }

    /** C2SP signed-note key names: non-empty, no '+', no Unicode white space, no control characters. */
    public static function isValidKeyName(string $name): bool
    {
        return $name !== '' && preg_match('//u', $name) === 1 && preg_match('/[+\s\p{Z}\x{85}\x00-\x1F\x7F]/u', $name) !== 1;
    }

    /** Parses the note's exact bytes, strictly. */
    public static function parse(string $note): self
    {
        Refused::when(preg_match('//u', $note) !== 1, 'the note is not valid UTF-8');
        Refused::when(!str_ends_with($note, "\n"), 'the note does not end with a newline');
        Refused::when(preg_match('/[\x00-\x09\x0B-\x1F]/', $note) === 1, 'the note has a control character; only newlines are allowed');
        $split = strpos($note, "\n\n");
        Refused::when($split === false, 'no empty line separates the checkpoint from its signatures');
        $text = substr($note, 0, $split + 1);
        $head = explode("\n", substr($text, 0, -1));
        Refused::when(count($head) !== 3, 'the checkpoint must be exactly origin, size and root');
        [$origin, $sizeText, $rootText] = $head;
        Refused::when($origin === '' || preg_match('/[\s\p{Z}\x{85}]/u', $origin) === 1,
            'the checkpoint origin is empty or contains white space');
        $size = Encoding::decimal($sizeText);
        $root = Encoding::base64($rootText, 32);
        Refused::when($size === null || $root === null, 'the checkpoint size or root is not a decimal and canonical base64 of 32 bytes');
        Refused::when($size === 0 && $root !== hash('sha256', '', true), "an empty tree's root must be SHA-256 of the empty string");
        $signatures = explode("\n", substr($note, $split + 2, -1));
        Refused::when(count($signatures) > self::MAX_LINES, 'the note has more than ' . self::MAX_LINES . ' signature lines');
        $lines = [];
        foreach ($signatures as $line) {
            $parts = explode(' ', $line);
            $bytes = count($parts) === 3 ? Encoding::base64($parts[2]) : null;
            Refused::when($parts[0] !== "\u{2014}" || !self::isValidKeyName($parts[1] ?? '') || strlen($bytes ?? '') < 5,
                'a signature line is not "— name base64"');
            $lines[] = [$parts[1], $bytes];
        }
        return new self($text, $lines, $origin, $size, $root);
    }
}
