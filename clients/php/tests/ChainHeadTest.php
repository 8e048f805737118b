<?php
declare(strict_types=1);

use ChronicleWitness\{Merkle, Policy, WitnessClient};
use PHPUnit\Framework\TestCase;

/**
 * `WitnessClient::checkpointOfHead`: a Chronicle head (size, currhash) names a checkpoint only
 * through proofs a witness serves, all checked: at its size the freshness answer's currhash proof,
 * below it an entry proof, its signed position answer and a consistency proof. A witness lying in
 * any one of them names nothing.
 */
final class ChainHeadTest extends TestCase
{
    private const ORIGIN = 'chronicle.example.org/chronicle';
    private const SEED = 0xB1;

    /** @var list<string> the currhashes of a 7-entry chain */
    private array $leaves;

    protected function setUp(): void
    {
        $this->leaves = array_map(fn (int $i): string => hash('sha256', "entry {$i}", true), range(0, 6));
    }

    private static function policy(): Policy
    {
        $key = sodium_crypto_sign_publickey(sodium_crypto_sign_seed_keypair(str_repeat(chr(self::SEED), 32)));
        $vkey = 'w1+' . bin2hex(substr(hash('sha256', "w1\n\x04" . $key, true), 0, 4)) . '+' . base64_encode("\x04" . $key);
        return Policy::parse("witness w1 {$vkey} https://w1.example\nquorum w1\n");
    }

    private static function signed(array $json): array
    {
        $body = json_encode($json, JSON_UNESCAPED_SLASHES);
        $secret = sodium_crypto_sign_secretkey(sodium_crypto_sign_seed_keypair(str_repeat(chr(self::SEED), 32)));
        return ['status' => 200, 'headers' => ['body-signature-ed25519' => [strtr(base64_encode(sodium_crypto_sign_detached($body, $secret)), '+/', '-_')]],
                'body' => $body];
    }

    private function note(int $size): string
    {
        return self::ORIGIN . "\n{$size}\n" . base64_encode(RFC6962::mth(array_slice($this->leaves, 0, $size))) . "\n\n\u{2014} w1 " . base64_encode(str_repeat("\0", 76)) . "\n";
    }

    /** The honest witness's answers, then `$lies` (path suffix => answer) replacing some. */
    private function name(int $size, string $currhash, array $lies = []): ?array
    {
        $hex = hash('sha256', self::ORIGIN);
        $entry = json_encode(['prevhash' => null, 'currhash' => 'x', 'created' => 'x', 'publickey' => 'x', 'signature' => 'x', 'contents' => 'x']);
        $proof = "c2sp.org/tlog-proof@v1\nextra " . base64_encode($entry) . "\nindex " . ($size - 1) . "\n"
            . implode('', array_map(fn (string $h): string => base64_encode($h) . "\n", RFC6962::path($size - 1, $this->leaves))) . "\n" . $this->note(7);
        $answers = $lies + [
            "freshness/{$hex}" => self::signed(['origin' => self::ORIGIN, 'cosigned' => $this->note(7), 'currhash' => strtr(base64_encode($this->leaves[6]), '+/', '-_'),
                                                'currhash_proof' => array_map('base64_encode', RFC6962::path(6, $this->leaves))]),
            "proof/{$hex}/entry/" . strtr(base64_encode($currhash), '+/', '-_') => ['status' => 200, 'headers' => [], 'body' => $proof],
            "position/{$hex}/{$size}?material=0" => self::signed(['origin' => self::ORIGIN, 'size' => $size,
                                                                  'root' => base64_encode(RFC6962::mth(array_slice($this->leaves, 0, $size)))]),
            "proof/{$hex}/consistency/{$size}/7" => ['status' => 200, 'headers' => [],
                                                     'body' => implode("\n", array_map('base64_encode', $size < 7 ? RFC6962::subproof($size, $this->leaves, true) : []))],
        ];
        $get = function (string $url) use ($answers): array {
            return $answers[substr($url, strlen('https://w1.example/witness/v1/'))] ?? ['status' => 404, 'headers' => [], 'body' => ''];
        };
        return (new WitnessClient($get))->checkpointOfHead(self::policy(), self::ORIGIN, $size, $currhash);
    }

    public function testHonestProofsNameTheCheckpoint(): void
    {
        $this->assertSame([7, RFC6962::mth($this->leaves)], $this->name(7, $this->leaves[6]));
        $this->assertSame([4, RFC6962::mth(array_slice($this->leaves, 0, 4))], $this->name(4, $this->leaves[3]));
        $this->assertNull($this->name(4, $this->leaves[2]), 'a currhash at another position');
        $this->assertNull($this->name(7, $this->leaves[5]), 'a currhash at another position');
        $this->assertNull($this->name(8, $this->leaves[6]), 'beyond the witness');
    }

    public function testALieInAnyOneAnswerNamesNothing(): void
    {
        $hex = hash('sha256', self::ORIGIN);
        $other = base64_encode(hash('sha256', 'other', true));
        $lies = [
            'a currhash proof that does not lead to the root' => [7, ["freshness/{$hex}" => self::signed(['origin' => self::ORIGIN, 'cosigned' => $this->note(7),
                'currhash' => strtr(base64_encode($this->leaves[6]), '+/', '-_'), 'currhash_proof' => [$other, $other, $other]])]],
            'a freshness answer signed by no one' => [7, ["freshness/{$hex}" => ['headers' => []] + self::signed([])]],
            'a position answer with another root' => [4, ["position/{$hex}/4?material=0" => self::signed(['origin' => self::ORIGIN, 'size' => 4, 'root' => $other])]],
            'a position answer of another size' => [4, ["position/{$hex}/4?material=0" => self::signed(['origin' => self::ORIGIN, 'size' => 3,
                'root' => base64_encode(RFC6962::mth(array_slice($this->leaves, 0, 4)))])]],
            'a consistency proof that does not join' => [4, ["proof/{$hex}/consistency/4/7" => ['status' => 200, 'headers' => [], 'body' => "{$other}\n{$other}"]]],
            'no consistency proof' => [4, ["proof/{$hex}/consistency/4/7" => ['status' => 500, 'headers' => [], 'body' => '']]],
            'an entry proof that is not a proof' => [4, ['proof/' . $hex . '/entry/' . strtr(base64_encode($this->leaves[3]), '+/', '-_') => ['status' => 200, 'headers' => [], 'body' => 'junk']]],
        ];
        foreach ($lies as $why => [$size, $answers]) {
            $this->assertNull($this->name($size, $this->leaves[$size - 1], $answers), $why);
        }
    }
}
