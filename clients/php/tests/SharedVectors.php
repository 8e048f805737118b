<?php
declare(strict_types=1);

/** The vector files the Swift suite makes in `Tests/Fixtures/<name>/vectors.json`, shared with these tests. */
final class SharedVectors
{
    public static function manifest(string $name): array
    {
        return json_decode(file_get_contents(__DIR__ . "/../../../Tests/Fixtures/{$name}/vectors.json"), true, 16, JSON_THROW_ON_ERROR);
    }

    /** Data-provider form: vector name => [vector]. */
    public static function cases(string $name): array
    {
        return array_column(array_map(fn (array $v): array => [$v['name'], [$v]], self::manifest($name)['vectors']), 1, 0);
    }
}
