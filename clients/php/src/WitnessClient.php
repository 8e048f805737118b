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
    /** @var callable(string): array{status: int, headers: array<string, list<string>>, body: string} */
    private $get;

    public function __construct(callable $get)
    {
        $this->get = $get;
    }

    /**
     * The decision for `$origin`: `[exit code, checkpoint, evidence ids the witnesses listed]`
     * (`Freshness::decide`). Served evidence is listed, not verified or acted on.
     *
     * @param array{int, string}|null $head the (size, raw root) the client was shown
     */
    public function check(Policy $policy, string $origin, int $maxAge, ?array $head = null, ?int $now = null): array
    {
        $hex = hash('sha256', $origin);
        $notes = [];
        $evidence = [];
        foreach ($policy->witnesses as $name => $vkey) {
            $answer = isset($policy->urls[$name]) ? $this->signedJSON("{$policy->urls[$name]}/witness/v1/freshness/{$hex}", $vkey) : null;
            if (($answer['origin'] ?? null) === $origin && is_string($answer['cosigned'] ?? null)) {
                $notes[] = $answer['cosigned'];
                $evidence = array_merge($evidence, array_filter((array) ($answer['evidence'] ?? []), 'is_string'));
            }
        }
        $attestations = [];
        foreach (Freshness::positionsNeeded($policy, $origin, $notes, $head) as [$name, $size]) {
            if (!isset($policy->urls[$name])) {
                continue;
            }
            $answer = $this->signedJSON("{$policy->urls[$name]}/witness/v1/position/{$hex}/{$size}?material=0", $policy->witnesses[$name]);
            $root = is_string($answer['root'] ?? null) ? Encoding::base64($answer['root'], 32) : null;
            if (($answer['origin'] ?? null) === $origin && ($answer['size'] ?? null) === $size && $root !== null) {
                $attestations[] = [$name, $size, $root];
            }
        }
        [$code, $checkpoint] = Freshness::decide($policy, $origin, $notes, $attestations, $maxAge, $now ?? time(), $head);
        return [$code, $checkpoint, array_values(array_unique($evidence))];
    }

    /** The JSON object at `$url` if the answer is a 2xx whose body the witness signed; null otherwise. */
    private function signedJSON(string $url, VerifierKey $vkey): ?array
    {
        try {
            $response = ($this->get)($url);
        } catch (\Throwable) {
            return null;
        }
        $signed = false;
        foreach ($response['headers']['body-signature-ed25519'] ?? [] as $value) {
            $signature = Encoding::base64urlCanonical($value, 64);
            $signed = $signed || ($signature !== null && sodium_crypto_sign_verify_detached($signature, $response['body'], $vkey->publicKey));
        }
        $json = $signed && $response['status'] >= 200 && $response['status'] < 300 ? json_decode($response['body'], true, 16) : null;
        return is_array($json) && !array_is_list($json) ? $json : null;
    }
}
