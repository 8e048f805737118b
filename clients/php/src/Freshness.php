<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * The client decision of witness-protocol §7, as `chronicle-witness check` makes it (Swift's
 * `Freshness.decide`): accept a head only if a quorum of the policy's witnesses vouches for it
 * with fresh cosignatures; a witness vouches for checkpoint C when it cosigned C, or cosigned a
 * larger checkpoint and attests (its `position` answer) C's root at C's size, its newest such
 * cosignature no older than the maximum age and not more than the skew in the future. A witness
 * that signed two roots at one size never counts. No I/O: the caller collects, this decides.
 *
 * Exit codes as `check`: 0 accepted, 1 no fresh quorum, 3 denial of update (the quorum holds a
 * newer head than the one shown), 4 split view (a quorum holds another root at the shown size, or
 * served evidence proves that the log under the pinned key forked or rolled back).
 */
final class Freshness
{
    public const ACCEPTED = 0, NO_QUORUM = 1, DENIED_UPDATE = 3, SPLIT_VIEW = 4;

    /** @var array<string, array{cosigned: list<array{int, string, int}>, chain: array<int, string>, equivocated: bool}> */
    private array $views = [];
    /** @var array<string, array{int, string}> checkpoints some policy witness cosigned, keyed "size root" */
    private array $candidates = [];

    /**
     * @param list<string> $notes cosigned checkpoint notes as witnesses served them
     * @param list<array{string, int, string}> $attestations (policy witness name, size, raw root), signatures checked by the caller
     * @param array{int, string}|null $head the (size, raw root) the client was shown
     */
    private function __construct(private Policy $policy, private string $origin, array $notes, array $attestations,
                                 private int $maxAge, private int $now, private int $futureSkew)
    {
        foreach ($policy->witnesses as $name => $vkey) {
            $this->views[$name] = ['cosigned' => [], 'chain' => [0 => hash('sha256', '', true)], 'equivocated' => false];
        }
        foreach ($notes as $text) {
            $this->read($text);
        }
        foreach ($attestations as [$name, $size, $root]) {
            if (isset($this->views[$name])) {
                $this->record($name, $size, $root);
            }
        }
    }

    /**
     * @param list<string> $evidence evidence JSON the witnesses served for `$origin`, acted on (4) when one object proves a
     *        fork or rollback under `$logKey`, the log's pinned raw Ed25519 key (`Evidence::proven`); without a key, never
     * @return array{int, ?array{int, string}} the exit code and the checkpoint (size, root) it is about
     */
    public static function decide(Policy $policy, string $origin, array $notes, array $attestations, int $maxAge, int $now,
                                  ?array $head = null, int $futureSkew = 60, array $evidence = [], ?string $logKey = null): array
    {
        $d = new self($policy, $origin, $notes, $attestations, $maxAge, $now, $futureSkew);
        foreach ($logKey === null ? [] : $evidence as $json) {
            if (Evidence::proven($json, $origin, $logKey) !== null) {
                return [self::SPLIT_VIEW, $head ?? $d->closestToQuorum()];
            }
        }
        if ($head !== null && $d->contradicted($head)) {
            return [self::SPLIT_VIEW, $head];
        }
        $candidates = $d->candidates;
        if ($head !== null) {
            $candidates[$head[0] . ' ' . $head[1]] = $head;
        }
        $withQuorum = array_values(array_filter($candidates, fn (array $c): bool => $d->policy->isSatisfied($d->counted($c))));
        usort($withQuorum, fn (array $a, array $b): int => [$b[0], base64_encode($b[1])] <=> [$a[0], base64_encode($a[1])]);
        foreach ($withQuorum as $checkpoint) {
            if ($d->contradicted($checkpoint)) {
                return [self::SPLIT_VIEW, $checkpoint];
            }
        }
        if ($withQuorum === []) {
            return [self::NO_QUORUM, $head ?? $d->closestToQuorum()];
        }
        $best = $withQuorum[0];
        if ($head === null || $best === $head) {
            return [self::ACCEPTED, $best];
        }
        return $best[0] > $head[0] ? [self::DENIED_UPDATE, $best] : [self::NO_QUORUM, $head];
    }

    /**
     * The position answers worth asking for before deciding: for every size a decision may concern
     * (the head's, every cosigned checkpoint's), each witness that cosigned a larger checkpoint
     * and has not said what its chain holds there. Step one of two; `decide` is step two.
     *
     * @return list<array{string, int}> (policy witness name, size)
     */
    public static function positionsNeeded(Policy $policy, string $origin, array $notes, ?array $head = null): array
    {
        $d = new self($policy, $origin, $notes, [], 0, 0, 0);
        $sizes = array_column($d->candidates, 0);
        if ($head !== null) {
            $sizes[] = $head[0];
        }
        $sizes = array_unique($sizes);
        sort($sizes);
        $requests = [];
        foreach ($d->views as $name => $view) {
            $largest = max([0, ...array_column($view['cosigned'], 0)]);
            foreach ($view['equivocated'] ? [] : $sizes as $size) {
                if ($size > 0 && $size < $largest && !isset($view['chain'][$size])) {
                    $requests[] = [$name, $size];
                }
            }
        }
        return $requests;
    }

    /** Reads one note: a policy witness's failing line rejects it whole (witness-protocol §3). */
    private function read(string $text): void
    {
        try {
            $note = SignedNote::parse($text);
            $found = $note->origin === $this->origin ? $this->policy->cosigners($note) : [];
        } catch (Refused) {
            return;
        }
        foreach ($found as $name => $time) {
            $this->candidates[$note->size . ' ' . $note->root] = [$note->size, $note->root];
            $this->views[$name]['cosigned'][] = [$note->size, $note->root, $time];
            $this->record($name, $note->size, $note->root);
        }
    }

    private function record(string $name, int $size, string $root): void
    {
        $known = $this->views[$name]['chain'][$size] ?? null;
        if ($known === null) {
            $this->views[$name]['chain'][$size] = $root;
        } elseif ($known !== $root) {
            $this->views[$name]['equivocated'] = true;
        }
    }

    /** The policy witnesses that vouch for `$checkpoint` with a fresh cosignature (of it, or of a larger checkpoint). */
    private function counted(array $checkpoint): array
    {
        [$size, $root] = $checkpoint;
        $counted = [];
        foreach ($this->views as $name => $view) {
            $covering = array_filter($view['cosigned'], fn (array $c): bool => $c[0] >= $size && $c[2] <= $this->now + $this->futureSkew);
            $newest = max([PHP_INT_MIN, ...array_column($covering, 2)]);
            if (!$view['equivocated'] && ($view['chain'][$size] ?? null) === $root && $this->now - $newest <= $this->maxAge) {
                $counted[] = $name;
            }
        }
        return $counted;
    }

    /** Whether a quorum of (non-equivocating) witnesses holds another root at `$checkpoint`'s size. */
    private function contradicted(array $checkpoint): bool
    {
        [$size, $root] = $checkpoint;
        $against = array_filter($this->views, fn (array $v): bool => !$v['equivocated'] && ($v['chain'][$size] ?? $root) !== $root);
        return $against !== [] && $this->policy->isSatisfied(array_keys($against));
    }

    /** Without a quorum: the checkpoint most witnesses count for (the larger on ties). */
    private function closestToQuorum(): ?array
    {
        $ranked = array_map(fn (array $c): array => [count($this->counted($c)), $c[0], base64_encode($c[1]), $c],
                            array_values($this->candidates));
        return $ranked === [] ? null : max($ranked)[3];
    }
}
