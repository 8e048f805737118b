<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A Chronicle entry as a proof's `extra` carries it (chronicle-protocol §2): the strings its
 * /export serves, and the raw bytes its currhash is computed from.
 */
final class Entry
{
    private function __construct(
        public readonly ?string $prevhash,
        public readonly string $currhash,
        public readonly string $created,
        public readonly string $publickey,
        public readonly string $signature,
        public readonly string $contents,
    ) {
    }

    /** Reads the `extra` JSON object: prevhash (null, "" or absent for the first entry), currhash, created, publickey, signature, contents. */
    public static function fromJSON(string $json): self
    {
        try {
            $doc = json_decode($json, true, 4, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $error) {
            throw new Refused('the extra data is not JSON: ' . $error->getMessage());
        }
        if (!is_array($doc) || array_is_list($doc)) {
            throw new Refused('the extra data is not a JSON object');
        }
        foreach (['currhash', 'created', 'publickey', 'signature', 'contents'] as $field) {
            if (!is_string($doc[$field] ?? null)) {
                throw new Refused("the entry has no string \"{$field}\"");
            }
        }
        $prev = $doc['prevhash'] ?? null;
        if ($prev !== null && !is_string($prev)) {
            throw new Refused('the entry\'s prevhash is not a string or null');
        }
        return new self($prev === '' ? null : $prev, $doc['currhash'], $doc['created'], $doc['publickey'], $doc['signature'], $doc['contents']);
    }

    /**
     * The raw currhash, after checking that the entry at leaf `$index` recomputes to it and that
     * its signature verifies (chronicle-protocol §2.1–2.4, §3.3):
     * currhash = BLAKE2b-256(key = raw prevhash, empty for the first entry; created || pk || sig || contents).
     */
    public function verifiedCurrhash(int $index): string
    {
        if (($index === 0) !== ($this->prevhash === null)) {
            throw new Refused($index === 0 ? 'the entry at index 0 is the chain\'s first and must have no prevhash'
                : "the entry at index {$index} has no prevhash; only the first entry (index 0) has none");
        }
        $key = $this->prevhash === null ? '' : Encoding::base64urlCanonical($this->prevhash, 32);
        $currhash = Encoding::base64urlCanonical($this->currhash, 32);
        $publickey = Encoding::base64urlCanonical($this->publickey, 32);
        $signature = Encoding::base64urlLenient($this->signature, 64);
        foreach (['prevhash' => $key, 'currhash' => $currhash, 'publickey' => $publickey, 'signature' => $signature] as $field => $raw) {
            if ($raw === null) {
                throw new Refused("the entry's {$field} does not decode");
            }
        }
        if (!hash_equals($currhash, self::hash($key, $this->created, $publickey, $signature, $this->contents))) {
            throw new Refused('the entry does not recompute: BLAKE2b(prevhash; created || publickey || signature || contents) is not its currhash');
        }
        if (!sodium_crypto_sign_verify_detached($signature, $this->contents, $publickey)) {
            throw new Refused('the entry\'s Ed25519 signature over its contents does not verify under its publickey');
        }
        return $currhash;
    }

    /** BLAKE2b-256 keyed by the raw prevhash (no key for the first entry) over created || raw publickey || raw signature || contents. */
    public static function hash(string $prevhash, string $created, string $publickey, string $signature, string $contents): string
    {
        return sodium_crypto_generichash($created . $publickey . $signature . $contents, $prevhash, 32);
    }
}
