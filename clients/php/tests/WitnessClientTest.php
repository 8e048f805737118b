<?php
declare(strict_types=1);

use ChronicleWitness\{Freshness, Policy, WitnessClient};
use PHPUnit\Framework\TestCase;

/**
 * The collection step with a caller-supplied HTTP function: only bodies the witness signed
 * (`Body-Signature-Ed25519` under its key) count; an unsigned, mis-signed, redirected or failing
 * answer makes that witness not counted, nothing more. (The loopback test against real nodes is
 * ProofNetworkTests.swift, which runs bin/check-head.)
 */
final class WitnessClientTest extends TestCase
{
    private static function fixture(): array
    {
        return json_decode(file_get_contents(__DIR__ . '/../../../Tests/Fixtures/freshness-vectors/vectors.json'), true, 16, JSON_THROW_ON_ERROR);
    }

    /** The 2-of-3 policy of the vectors with a URL per witness. */
    private static function policy(): Policy
    {
        $lines = explode("\n", self::fixture()['policy']);
        foreach ($lines as $i => $line) {
            if (str_starts_with($line, 'witness ')) {
                $lines[$i] .= ' https://' . explode(' ', $line)[1] . '.example';
            }
        }
        return Policy::parse(implode("\n", $lines));
    }

    /** A witness's signed freshness answer carrying `$note`; `$seed` 0xB1.. is w1.. (ProofVectorTests.swift). */
    private static function answer(string $note, int $seed, int $status = 200): array
    {
        $m = self::fixture();
        $body = json_encode(['origin' => $m['origin'], 'cosigned' => $note, 'currhash' => null, 'currhash_proof' => [],
                             'age_seconds' => 1, 'status' => 'fresh', 'evidence' => []]);
        $secret = sodium_crypto_sign_secretkey(sodium_crypto_sign_seed_keypair(str_repeat(chr($seed), 32)));
        $signature = strtr(base64_encode(sodium_crypto_sign_detached($body, $secret)), '+/', '-_');
        return ['status' => $status, 'headers' => ['body-signature-ed25519' => [$signature]], 'body' => $body];
    }

    private function decide(array $answers): int
    {
        $m = self::fixture();
        $get = function (string $url) use ($answers): array {
            foreach ($answers as $prefix => $answer) {
                if (str_starts_with($url, "https://{$prefix}.example/witness/v1/freshness/")) {
                    return $answer;
                }
            }
            throw new RuntimeException("unreachable: {$url}");
        };
        return (new WitnessClient($get))->check(self::policy(), $m['origin'], $m['max_age'], null, $m['now'])[0];
    }

    public function testOnlySignedAnswersCount(): void
    {
        $notes = self::fixture()['vectors'][0]['notes']; // "fresh quorum": w1, w2, w3 cosigned size 56
        $this->assertSame(Freshness::ACCEPTED, $this->decide(['w1' => self::answer($notes[0], 0xB1), 'w2' => self::answer($notes[1], 0xB2)]));
        // w2's answer signed by another key, or unsigned, or a redirect, or a failure: w1 alone is no quorum.
        $forged = self::answer($notes[1], 0xBF);
        $unsigned = ['headers' => []] + self::answer($notes[1], 0xB2);
        foreach ([$forged, $unsigned, self::answer($notes[1], 0xB2, 302), self::answer($notes[1], 0xB2, 500)] as $bad) {
            $this->assertSame(Freshness::NO_QUORUM, $this->decide(['w1' => self::answer($notes[0], 0xB1), 'w2' => $bad]));
        }
        // A witness serving another witness's note is fine: the cosignature lines are what count.
        $this->assertSame(Freshness::ACCEPTED, $this->decide(['w1' => self::answer($notes[0], 0xB1), 'w3' => self::answer($notes[1], 0xB3)]));
    }
}
