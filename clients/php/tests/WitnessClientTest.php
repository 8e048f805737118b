<?php
declare(strict_types=1);

use ChronicleWitness\{Encoding, Freshness, Policy, WitnessClient};
use PHPUnit\Framework\TestCase;

/**
 * The collection step with a caller-supplied HTTP function: only bodies the witness signed
 * (`Body-Signature-Ed25519` under its key) count; an unsigned, mis-signed, redirected or failing
 * answer makes that witness not counted, nothing more. (The loopback test against real nodes is
 * ProofNetworkTests.swift, which runs bin/check-head.)
 */
final class WitnessClientTest extends TestCase
{
    /** The 2-of-3 policy of the vectors with a URL per witness. */
    private static function policy(): Policy
    {
        $lines = explode("\n", SharedVectors::manifest('freshness-vectors')['policy']);
        foreach ($lines as $i => $line) {
            if (str_starts_with($line, 'witness ')) {
                $lines[$i] .= ' https://' . explode(' ', $line)[1] . '.example';
            }
        }
        return Policy::parse(implode("\n", $lines));
    }

    /** A witness's signed freshness answer carrying `$note` (and evidence ids); `$seed` 0xB1.. is w1.. (ProofVectorTests.swift). */
    private static function answer(string $note, int $seed, int $status = 200, array $evidence = []): array
    {
        $m = SharedVectors::manifest('freshness-vectors');
        return self::signed(json_encode(['origin' => $m['origin'], 'cosigned' => $note, 'currhash' => null, 'currhash_proof' => [],
                                         'age_seconds' => 1, 'status' => 'fresh', 'evidence' => $evidence]), $seed, $status);
    }

    private static function signed(string $body, int $seed, int $status = 200): array
    {
        $secret = sodium_crypto_sign_secretkey(sodium_crypto_sign_seed_keypair(str_repeat(chr($seed), 32)));
        $signature = strtr(base64_encode(sodium_crypto_sign_detached($body, $secret)), '+/', '-_');
        return ['status' => $status, 'headers' => ['body-signature-ed25519' => [$signature]], 'body' => $body];
    }

    /** @param array<string, array> $answers URL path prefix after "https://" => answer */
    private function check(array $answers, ?string $logKey = null): array
    {
        $m = SharedVectors::manifest('freshness-vectors');
        $get = function (string $url) use ($answers): array {
            foreach ($answers as $prefix => $answer) {
                if (str_starts_with($url, "https://{$prefix}")) {
                    return $answer;
                }
            }
            throw new RuntimeException("unreachable: {$url}");
        };
        return (new WitnessClient($get))->check(self::policy(), $m['origin'], $m['max_age'], null, $m['now'], $logKey);
    }

    private function decide(array $answers): int
    {
        $freshness = [];
        foreach ($answers as $witness => $answer) {
            $freshness["{$witness}.example/witness/v1/freshness/"] = $answer;
        }
        return $this->check($freshness)[0];
    }

    public function testOnlySignedAnswersCount(): void
    {
        $notes = SharedVectors::manifest('freshness-vectors')['vectors'][0]['notes']; // "fresh quorum": w1, w2, w3 cosigned size 56
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

    /**
     * A witness's listed fork evidence (the first shared evidence vector, made by the Swift suite) is fetched and
     * acted on under the pinned key, only when the witness signed the body, and one witness listing junk ids
     * first cannot crowd it out.
     */
    public function testServedEvidenceIsActedOnUnderThePinnedKeyOnly(): void
    {
        $vectors = SharedVectors::manifest('evidence-vectors');
        $fork = $vectors['vectors'][0];
        $this->assertSame('fork', $fork['acts']);
        $key = Encoding::base64urlCanonical($fork['pinned_key'], 32);
        $id = hash('sha256', $fork['evidence']); // any 64-hex id: the body, not the id, is what is verified
        $notes = SharedVectors::manifest('freshness-vectors')['vectors'][0]['notes'];
        $junk = array_map(fn (int $n): string => hash('sha256', "junk {$n}"), range(1, 40));
        $answers = fn (array $served): array => [
            'w1.example/witness/v1/freshness/' => self::answer($notes[0], 0xB1, evidence: [...$junk, 'not hex']),
            'w2.example/witness/v1/freshness/' => self::answer($notes[1], 0xB2, evidence: [$id]),
            "w2.example/witness/v1/evidence/{$id}" => $served,
            'w1.example/witness/v1/evidence/' => ['status' => 404, 'headers' => [], 'body' => ''],
        ];
        $signed = self::signed($fork['evidence'], 0xB2);
        [$code, , $listed, $proven] = $this->check($answers($signed), $key);
        $this->assertSame([Freshness::SPLIT_VIEW, [$id]], [$code, $proven]);
        $this->assertCount(WitnessClient::EVIDENCE_PER_WITNESS + 1, $listed);
        $this->assertSame(Freshness::ACCEPTED, $this->check($answers($signed))[0], 'without a pinned key evidence is only listed');
        $this->assertSame(Freshness::ACCEPTED, $this->check($answers(self::signed($fork['evidence'], 0xBF)), $key)[0], 'a body w2 did not sign');
        $this->assertSame(Freshness::ACCEPTED, $this->check($answers($signed), sodium_crypto_sign_publickey(sodium_crypto_sign_keypair()))[0]);
    }
}
