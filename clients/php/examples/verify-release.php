<?php
declare(strict_types=1);

// What a Composer plugin does before installing `vendor/pkg 1.2.3`: the function below is the
// README's example, verbatim (tests/ExampleTest.php keeps them equal); run directly it is a CLI:
//   php examples/verify-release.php --proof FILE|- --policy FILE --origin ORIGIN --publisher-key BASE64URL
//       --package vendor/pkg --version 1.2.3 --sha256 HEX [--max-age SECONDS] [--online [--chronicle-key BASE64URL]]
// exit 0 install, 1 refused, 2 bad usage.

require_once __DIR__ . '/../autoload.php';

use ChronicleWitness\{EntryProof, Freshness, Policy, Refused, Verdict, WitnessClient};

// README:begin
/**
 * Returns the verdict if `$proofBytes` proves that `$package` `$version`, whose archive has the
 * SHA-256 `$distSha256` (hex), is an entry of the Chronicle `$origin` signed by `$publisherKey`,
 * in a checkpoint a quorum of `$policy`'s witnesses cosigned within `$maxAge` seconds; throws
 * Refused otherwise. With `$online`, also asks the witnesses whether that checkpoint is the history
 * they hold: a split view, or a fork or rollback proven under the Chronicle's `$chronicleKey`, refuses.
 */
function verifyRelease(string $proofBytes, Policy $policy, string $origin, string $publisherKey, string $package,
                       string $version, string $distSha256, int $maxAge = 86400, ?WitnessClient $online = null,
                       ?string $chronicleKey = null): Verdict
{
    $verdict = EntryProof::parse($proofBytes)->verify($policy, $origin, $publisherKey);
    $release = json_decode($verdict->entry->contents, true, 16);
    if (!is_array($release) || ($release['package'] ?? null) !== $package || ($release['version'] ?? null) !== $version
        || !is_string($release['sha256'] ?? null) || !hash_equals(strtolower($release['sha256']), strtolower($distSha256))) {
        throw new Refused("the proven entry is not {$package} {$version} with this archive's SHA-256");
    }
    // Offline, a proof carries cosignature times: a quorum of them must be recent (and not future-dated).
    $now = time();
    $fresh = array_keys(array_filter($verdict->cosigners, fn (int $t): bool => $t >= $now - $maxAge && $t <= $now + 60));
    if (!$policy->isSatisfied($fresh)) {
        throw new Refused("no quorum of the policy's witnesses cosigned this proof in the last {$maxAge} s: fetch a fresh one");
    }
    if ($online !== null) {
        [$code, , , $proven] = $online->check($policy, $origin, $maxAge, [$verdict->size, $verdict->root], $now, $chronicleKey);
        if ($code === Freshness::SPLIT_VIEW) {
            throw new Refused($proven === [] ? "a quorum of the witnesses holds another history than this proof's checkpoint"
                : 'the witnesses serve proof that the Chronicle forked or rolled back: ' . implode(', ', $proven));
        }
        // 0: the current head; 3: an older head of the same history; 1: witnesses unreachable, the offline proof stands.
    }
    return $verdict;
}
// README:end

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    $o = getopt('', ['proof:', 'policy:', 'origin:', 'publisher-key:', 'package:', 'version:', 'sha256:', 'max-age:', 'online', 'chronicle-key:']);
    $text = fn (string $name): ?string => is_string($o[$name] ?? null) ? $o[$name] : null;
    $proof = match ($text('proof')) {
        null => false,
        '-' => stream_get_contents(STDIN, EntryProof::MAX_BYTES + 1),
        default => @file_get_contents($text('proof'), false, null, 0, EntryProof::MAX_BYTES + 1),
    };
    $policy = $text('policy') === null ? false : @file_get_contents($text('policy'));
    $maxAge = (int) ($text('max-age') ?? 86400);
    $chronicleKey = $text('chronicle-key') === null ? null : ChronicleWitness\Encoding::base64urlLenient($text('chronicle-key'), 32);
    if ($proof === false || $policy === false || in_array(null, [$text('origin'), $text('publisher-key'), $text('package'), $text('version'), $text('sha256')], true)
        || $maxAge < 1 || ($text('chronicle-key') !== null && $chronicleKey === null)) {
        fwrite(STDERR, "usage: verify-release.php --proof FILE --policy FILE --origin ORIGIN --publisher-key BASE64URL --package NAME --version V "
            . "--sha256 HEX [--max-age SECONDS] [--online [--chronicle-key BASE64URL]]\n");
        exit(2);
    }
    try {
        $verdict = verifyRelease($proof, Policy::parse($policy), $text('origin'), $text('publisher-key'), $text('package'), $text('version'),
                                 $text('sha256'), $maxAge, isset($o['online']) ? WitnessClient::overStreams() : null, $chronicleKey);
    } catch (Refused $why) {
        echo "REFUSED: {$why->getMessage()}\nDo not install {$text('package')} {$text('version')}.\n";
        exit(1);
    } catch (ChronicleWitness\BadPolicy $error) {
        fwrite(STDERR, "Error: the policy: {$error->getMessage()}\n");
        exit(2);
    }
    echo "INSTALL: {$text('package')} {$text('version')} is entry {$verdict->position} of {$verdict->origin}, cosigned by "
        . implode(', ', array_keys($verdict->cosigners)) . "\n";
    exit(0);
}
