/* The bench shell: announce readiness, then answer host requests forever. */
#include "commands.h"
#include "dwt.h"
#include "protocol.h"
#include "uart0.h"

int main(void)
{
    /* HELLO only after the receiver runs: the host may send as soon as it sees it. */
    tb_uart_init();
    tb_dwt_init();
    tb_commands_send_hello();
    for (;;) {
        tb_commands_handle(tb_protocol_receive());
    }
}
