<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * Asks the policy's witnesses what they cosigned (witness-protocol §7) and decides as
 * `chronicle-witness check` does. HTTP is the caller's: `$get(string $url): array{status: int,
 * headers: array<string, list<string>>, body: string}` (header names lower case), with its own
 * timeout and size cap and never following redirects. Every JSON body is used only when its
 * `Body-Signature-Ed25519` verifies under the witness's key; a witness that fails is not counted.
 */
final class WitnessClient
{
    /** The most evidence ids of one witness fetched (so that one witness listing junk cannot crowd out another's). */
    public const EVIDENCE_PER_WITNESS = 8;

    /** @var callable(string): array{status: int, headers: array<string, list<string>>, body: string} */
    private $get;

    public function __construct(callable $get)
    {
        $this->get = $get;
    }

    /** A client over plain PHP streams (no HTTP library): `$timeout` seconds, at most `$maxBytes`, no redirects. */
    public static function overStreams(int $timeout = 10, int $maxBytes = 1 << 20): self
    {
        return new self(function (string $url) use ($timeout, $maxBytes): array {
            $context = stream_context_create(['http' => ['timeout' => $timeout, 'follow_location' => 0, 'ignore_errors' => true]]);
            $body = @file_get_contents($url, false, $context, 0, $maxBytes);
            $headers = [];
            foreach ($http_response_header ?? [] as $line) {
                if (preg_match('/\AHTTP\/\S+ (\d{3})/', $line, $m) === 1) {
                    [$status, $headers] = [(int) $m[1], []]; // the last response's status and headers
                } elseif (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $headers[strtolower(trim($name))][] = trim($value);
                }
            }
            return ['status' => $status ?? 0, 'headers' => $headers, 'body' => $body === false ? '' : $body];
        });
    }

    /**
     * The decision for `$origin`: `[exit code, checkpoint, evidence ids the witnesses listed, ids proven under $logKey]`
     * (`Freshness::decide`). With `$logKey`, the log's pinned raw key, listed evidence (each id from the first witness
     * listing it) is fetched and acted on when it proves a fork or rollback under that key (`Evidence::proven`).
     *
     * @param array{int, string}|null $head the (size, raw root) the client was shown
     */
    public function check(Policy $policy, string $origin, int $maxAge, ?array $head = null, ?int $now = null, ?string $logKey = null): array
    {
        $hex = hash('sha256', $origin);
        [$notes, $listed, $attestations, $evidence] = [[], [], [], []];
        foreach (array_keys($policy->witnesses) as $name) {
            $answer = $this->askJSON($policy, $name, "freshness/{$hex}");
            if (($answer['origin'] ?? null) === $origin && is_string($answer['cosigned'] ?? null)) {
                $notes[] = $answer['cosigned'];
                $ids = array_filter(is_array($answer['evidence'] ?? null) ? $answer['evidence'] : [],
                                    fn ($id): bool => is_string($id) && preg_match('/\A[0-9a-f]{64}\z/', $id) === 1);
                foreach (array_slice(array_unique($ids), 0, self::EVIDENCE_PER_WITNESS) as $id) {
                    $listed[$id] ??= $name; // fetched from the first witness listing it
                }
            }
        }
        foreach (Freshness::positionsNeeded($policy, $origin, $notes, $head) as [$name, $size]) {
            $root = $this->position($policy, $name, $origin, $size);
            if ($root !== null) {
                $attestations[] = [$name, $size, $root];
            }
        }
        foreach ($logKey === null ? [] : $listed as $id => $name) {
            $body = $this->ask($policy, $name, "evidence/{$id}");
            if ($body !== null && Evidence::proven($body, $origin, $logKey) !== null) {
                $evidence[$id] = $body;
            }
        }
        [$code, $checkpoint] = Freshness::decide($policy, $origin, $notes, $attestations, $maxAge, $now ?? time(), $head,
                                                 evidence: array_values($evidence), logKey: $logKey);
        return [$code, $checkpoint, array_keys($listed), array_keys($evidence)];
    }

    /**
     * The checkpoint `[size, root]` of a Chronicle head as `/lasthash` names it (`$size` entries, the
     * last one's raw `$currhash`), proven by the first policy witness that can (witness-protocol v2
     * §7, §7.1): at its own size by its freshness answer's `currhash_proof`; below it by an entry
     * proof (inclusion at index size − 1) in its checkpoint's tree and a consistency proof from the
     * root it attests at `$size`. Null when none proves it. Every answer is checked, none believed;
     * the checkpoint is then only a claim for `check` to decide on.
     */
    public function checkpointOfHead(Policy $policy, string $origin, int $size, string $currhash): ?array
    {
        $hex = hash('sha256', $origin);
        $leaf = Merkle::leafHash($currhash);
        foreach ($size > 0 ? array_keys($policy->witnesses) : [] as $name) {
            $answer = $this->askJSON($policy, $name, "freshness/{$hex}");
            try {
                $note = SignedNote::parse(is_string($answer['cosigned'] ?? null) ? $answer['cosigned'] : '');
                Refused::when(($answer['origin'] ?? null) !== $origin || $note->origin !== $origin || $note->size < $size, 'not this head');
                if ($note->size === $size) { // at the witness's size: the freshness answer proves its own last leaf
                    $served = is_string($answer['currhash'] ?? null) ? Encoding::base64urlLenient($answer['currhash'], 32) : null;
                    $proof = self::hashes(is_array($answer['currhash_proof'] ?? null) ? $answer['currhash_proof'] : []);
                    Refused::when($served !== $currhash || $proof === null
                        || Merkle::rootFromInclusion($leaf, $size - 1, $size, $proof) !== $note->root, 'no proof');
                    return [$size, $note->root];
                }
                $entry = EntryProof::parse($this->ask($policy, $name, "proof/{$hex}/entry/" . Encoding::toBase64url($currhash), false) ?? '');
                $root = $this->position($policy, $name, $origin, $size);
                $lines = $this->ask($policy, $name, "proof/{$hex}/consistency/{$size}/{$note->size}", false);
                $consistency = self::hashes(explode("\n", $lines ?? ''));
                Refused::when($root === null || $consistency === null
                    || Merkle::rootFromInclusion($leaf, $size - 1, $note->size, $entry->proof) !== $note->root
                    || !Merkle::consistent($size, $note->size, $root, $note->root, $consistency), 'no proof');
                return [$size, $root];
            } catch (Refused) {
                continue; // this witness proves nothing: ask the next
            }
        }
        return null;
    }

    /** The root witness `$name` attests at `$size` (its signed position answer), or null. */
    private function position(Policy $policy, string $name, string $origin, int $size): ?string
    {
        $answer = $this->askJSON($policy, $name, 'position/' . hash('sha256', $origin) . "/{$size}?material=0");
        $root = is_string($answer['root'] ?? null) ? Encoding::base64($answer['root'], 32) : null;
        return ($answer['origin'] ?? null) === $origin && ($answer['size'] ?? null) === $size ? $root : null;
    }

    /** @return list<string>|null the raw hashes if every non-empty line is canonical base64 of 32 bytes (at most 63) */
    private static function hashes(array $lines): ?array
    {
        $raw = array_map(fn ($line): ?string => is_string($line) ? Encoding::base64($line, 32) : null,
                         array_filter($lines, fn ($line): bool => $line !== ''));
        return in_array(null, $raw, true) || count($raw) > EntryProof::MAX_PROOF_HASHES ? null : array_values($raw);
    }

    /** The JSON object `ask` returns, or null. */
    private function askJSON(Policy $policy, string $name, string $path): ?array
    {
        $json = json_decode($this->ask($policy, $name, $path) ?? '', true, 16);
        return is_array($json) && !array_is_list($json) ? $json : null;
    }

    /**
     * GET `<URL of witness $name>/witness/v1/<path>` through the caller's function: the body of a 2xx answer that, when
     * `$signed`, the witness signed (`Body-Signature-Ed25519` under its key); null on anything else. Proofs are checked
     * by what they prove, not signed.
     */
    private function ask(Policy $policy, string $name, string $path, bool $signed = true): ?string
    {
        try {
            $response = isset($policy->urls[$name]) ? ($this->get)("{$policy->urls[$name]}/witness/v1/{$path}") : null;
        } catch (\Throwable) {
            return null;
        }
        if (!is_array($response) || !is_int($response['status'] ?? null) || $response['status'] < 200 || $response['status'] > 299
            || !is_string($response['body'] ?? null)) {
            return null;
        }
        foreach ($signed ? $response['headers']['body-signature-ed25519'] ?? [] : [] as $value) {
            $signature = Encoding::base64urlCanonical($value, 64);
            $key = $policy->witnesses[$name]->publicKey;
            if ($signature !== null && sodium_crypto_sign_verify_detached($signature, $response['body'], $key)) {
                return $response['body'];
            }
        }
        return $signed ? null : $response['body'];
    }
}
