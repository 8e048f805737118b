<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/** The README's Composer example is the code `examples/verify-release.php` runs (the Swift suite runs that on loopback). */
final class ExampleTest extends TestCase
{
    public function testTheReadmeShowsTheExampleVerbatim(): void
    {
        $example = file_get_contents(__DIR__ . '/../examples/verify-release.php');
        $begin = strpos($example, "// README:begin\n") + strlen("// README:begin\n");
        $code = substr($example, $begin, strpos($example, '// README:end') - $begin);
        $this->assertStringContainsString("function verifyRelease(", $code);
        $this->assertStringContainsString("\n\n" . $code . "```\n", file_get_contents(__DIR__ . '/../README.md'));
    }
}
