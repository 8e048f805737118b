<?php
declare(strict_types=1);

// PSR-4 for ChronicleWitness\ → src/, for the CLIs and tests without Composer (nothing to download).
spl_autoload_register(function (string $class): void {
    $prefix = 'ChronicleWitness\\';
    if (str_starts_with($class, $prefix)) {
        require __DIR__ . '/src/' . substr($class, strlen($prefix)) . '.php';
    }
});
