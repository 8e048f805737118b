<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * Evidence a witness serves (witness-protocol §6), judged as `chronicle-witness check` judges it
 * before acting: only a fork or a rollback that its upstream-signed material proves by itself
 * (never on the reporting witness's word), of the origin checked, under the log key the caller
 * pinned, refuses heads. Anyone can mint a key and "prove" that it forked: no pinned key, no act.
 */
final class Evidence
{
    /**
     * "fork" or "rollback" when the evidence JSON `$json` proves, by itself, that the log `$origin`
     * with the raw Ed25519 key `$key` forked or rolled back; null otherwise.
     */
    public static function proven(string $json, string $origin, string $key): ?string
    {
        $e = json_decode($json, true, 16);
        if (!self::wellFormed($e) || $e['origin'] !== $origin || !in_array($e['kind'], ['fork', 'rollback'], true)
            || Encoding::base64urlLenient($e['upstream_key'], 32) !== $key || !self::reporterSignatureHolds($e)) {
            return null;
        }
        $bodies = [];
        foreach (array_filter(array_column($e['items'], 'upstream_signed')) as $signed) {
            $body = base64_decode($signed['body']);
            $signature = Encoding::base64urlLenient($signed['signature'], 64);
            $doc = json_decode($body, true, 64);
            if ($signature === null || !sodium_crypto_sign_verify_detached($signature, $body, $key)
                || !is_array($doc) || ltrim($body)[0] !== '{') {
                return null; // a body the log did not sign, or not a JSON object, refuses the evidence whole
            }
            $bodies[] = self::body($doc);
        }
        if ($e['kind'] === 'rollback') {
            return self::rolledBack($bodies) ? 'rollback' : null;
        }
        return ($bodies === [] ? self::logForked($e, $key) : self::forked($bodies)) ? 'fork' : null;
    }

    /** Fork: two recomputing entries with one prevhash and different currhashes. */
    private static function forked(array $bodies): bool
    {
        $byParent = [];
        foreach (array_merge(...array_column($bodies, 'entries')) as $x) {
            if ($x['ok']) {
                $byParent[bin2hex($x['parent'])][$x['current']] = true;
            }
        }
        return max([0, ...array_map('count', $byParent)]) > 1;
    }

    /**
     * Rollback, self-contained: body A serves entry H; a body B signed strictly later lists another
     * entry at H's position, or the chain up to its head ending at H's parent. (A signed "No record
     * found" cannot name the hash it answers: that rests on the reporter's word, and is not acted on.)
     */
    private static function rolledBack(array $bodies): bool
    {
        foreach ($bodies as $i => $a) {
            foreach ($a['time'] === null ? [] : $a['entries'] as $h) {
                foreach ($h['ok'] ? $bodies : [] as $j => $b) {
                    if ($j === $i || $b['time'] === null || $b['time'] <= $a['time']) {
                        continue;
                    }
                    foreach ($b['entries'] as $x) {
                        if ($x['ok'] && $x['parent'] === $h['parent'] && $x['current'] !== $h['current']) {
                            return true;
                        }
                    }
                    $linked = $b['entries'] !== [];
                    foreach ($b['entries'] as $k => $x) {
                        $linked = $linked && $x['ok'] && ($k === 0 || $x['parent'] === $b['entries'][$k - 1]['current']);
                    }
                    if ($h['parent'] !== '' && $b['toHead'] && $linked && end($b['entries'])['current'] === $h['parent']) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Fork of a Merkle log (witness-protocol §9): two checkpoints of the origin the log key signed, one size, two roots. */
    private static function logForked(array $e, string $key): bool
    {
        $seen = [];
        foreach (array_filter(array_column($e['items'], 'cosigned')) as $text) {
            try {
                $note = SignedNote::parse($text);
            } catch (Refused) {
                continue;
            }
            // Lines of the log key (any name: key id = SHA-256(name "\n" 0x01 key)[:4]); one that fails rejects the note.
            $lines = array_filter($note->lines,
                fn (array $l): bool => substr(hash('sha256', "{$l[0]}\n\x01{$key}", true), 0, 4) === substr($l[1], 0, 4));
            $failing = array_filter($lines,
                fn (array $l): bool => strlen($l[1]) !== 68 || !sodium_crypto_sign_verify_detached(substr($l[1], 4), $note->text, $key));
            if ($lines === [] || $failing !== [] || $note->origin !== $e['origin']) {
                continue;
            }
            if (($seen[$note->size] ?? $note->root) !== $note->root) {
                return true;
            }
            $seen[$note->size] = $note->root;
        }
        return false;
    }

    /** A Chronicle response body as evidence needs it (chronicle-protocol §4.0, §4.13). */
    private static function body(array $doc): array
    {
        $entries = [];
        foreach (is_array($doc['results'] ?? null) && array_is_list($doc['results']) ? $doc['results'] : [] as $record) {
            if (($entry = is_array($record) ? self::entry($record) : null) === null) {
                $entries = []; // a malformed record: the body lists nothing
                break;
            }
            $entries[] = $entry;
        }
        $toHead = ($doc['status'] ?? null) === 'OK' && (is_int($doc['total'] ?? null) || (bool) ($doc['paginated'] ?? false))
            && ($doc['next'] ?? null) === null;
        return ['time' => self::time($doc['datetime'] ?? null), 'entries' => $entries, 'toHead' => $toHead];
    }

    /** One record (/lookup or /export spelling) with whether it recomputes; null if malformed. */
    private static function entry(array $r): ?array
    {
        $f = [];
        foreach ([['contents'], ['currhash', 'hash'], ['summaryhash', 'summary'], ['created'], ['publickey'], ['signature']] as $names) {
            $present = array_values(array_filter($names, fn (string $n): bool => array_key_exists($n, $r)));
            if ($present === [] || !is_string($r[$present[0]])) {
                return null;
            }
            $f[$names[0]] = $r[$present[0]];
        }
        $prev = array_key_exists('prevhash', $r) ? $r['prevhash'] : ($r['prev'] ?? null);
        if ($prev !== null && !is_string($prev)) {
            return null;
        }
        $parent = ($prev ?? '') === '' ? '' : Encoding::base64urlLenient($prev, 32);
        $current = Encoding::base64urlLenient($f['currhash'], 32);
        $publickey = Encoding::base64urlLenient($f['publickey'], 32);
        $signature = Encoding::base64urlLenient($f['signature'], 64);
        $ok = $parent !== null && $current !== null && $publickey !== null && $signature !== null
            && sodium_crypto_sign_verify_detached($signature, $f['contents'], $publickey)
            && hash_equals($current, Entry::hash($parent, $f['created'], $publickey, $signature, $f['contents']));
        return ['parent' => $parent, 'current' => $current, 'ok' => $ok];
    }

    /** The members and item shapes `check` requires before it looks at the material. */
    private static function wellFormed(mixed $e): bool
    {
        if (!is_array($e) || ($e['type'] ?? null) !== 'split-view-evidence/v1'
            || !in_array($e['kind'] ?? null, ['fork', 'rollback', 'freeze', 'witness-equivocation'], true)
            || self::time($e['detected_at'] ?? null) === null || !is_array($e['items'] ?? null) || !array_is_list($e['items'])) {
            return false;
        }
        foreach (['origin', 'upstream_key', 'reported_by', 'explanation', 'witness?', 'reporter_signature?'] as $name) {
            $value = $e[rtrim($name, '?')] ?? null;
            if (!is_string($value) && !($value === null && str_ends_with($name, '?'))) {
                return false;
            }
        }
        foreach ($e['items'] as $item) {
            $signed = is_array($item) ? ($item['upstream_signed'] ?? null) : false;
            $note = is_array($item) ? ($item['cosigned'] ?? null) : null;
            if ($signed === false || ($signed === null && $note === null) || ($note !== null && !is_string($note))
                || ($signed !== null && (!is_string($signed['body'] ?? null) || Encoding::base64($signed['body']) === null
                    || !is_string($signed['signature'] ?? null)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A present `reporter_signature` must verify under `reported_by` (witness-protocol §6.1):
     * base64(keyid4 || uint64_be(T) || Ed25519 signature) over "chronicle-witness/evidence/v2\n"
     * "time T\n" kind "\n" origin "\n" upstream_key "\n", then each upstream_signed body (as its
     * base64 text) "\n" signature "\n".
     */
    private static function reporterSignatureHolds(array $e): bool
    {
        if (!isset($e['reporter_signature'])) {
            return true;
        }
        $vkey = VerifierKey::parse($e['reported_by']);
        $blob = strlen($e['reporter_signature']) === 104 ? Encoding::base64($e['reporter_signature'], 76) : null;
        $time = $blob === null ? null : Encoding::uint64(substr($blob, 4, 8));
        if ($vkey === null || $time === null || substr($blob, 0, 4) !== $vkey->keyID) {
            return false;
        }
        $message = "chronicle-witness/evidence/v2\ntime {$time}\n{$e['kind']}\n{$e['origin']}\n{$e['upstream_key']}\n";
        foreach ($e['items'] as $item) {
            if (isset($item['upstream_signed'])) {
                $message .= "{$item['upstream_signed']['body']}\n{$item['upstream_signed']['signature']}\n";
            }
        }
        return sodium_crypto_sign_verify_detached(substr($blob, 12), $message, $vkey->publicKey);
    }

    /** POSIX seconds of an ISO 8601 time as Chronicle and witnesses write it (`2026-11-25T12:00:00+00:00`, `…Z`); null otherwise. */
    private static function time(mixed $text): ?int
    {
        $pattern = '/\A(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?(?:[Zz]|([+-])(\d\d):?(\d\d))?)?\z/';
        if (!is_string($text) || preg_match($pattern, $text, $m) !== 1 || !checkdate((int) $m[2], (int) $m[3], (int) $m[1])
            || ($m[4] ?? 0) > 23 || ($m[5] ?? 0) > 59 || ($m[6] ?? 0) > 60 || ($m[8] ?? 0) > 14 || ($m[9] ?? 0) > 59) {
            return null;
        }
        $offset = (($m[7] ?? '') === '-' ? -1 : 1) * ((int) ($m[8] ?? 0) * 3600 + (int) ($m[9] ?? 0) * 60);
        $midnight = \DateTimeImmutable::createFromFormat('!Y-m-d', "{$m[1]}-{$m[2]}-{$m[3]}", new \DateTimeZone('UTC'))->getTimestamp();
        return $midnight + (int) ($m[4] ?? 0) * 3600 + (int) ($m[5] ?? 0) * 60 + (int) ($m[6] ?? 0) - $offset;
    }
}
