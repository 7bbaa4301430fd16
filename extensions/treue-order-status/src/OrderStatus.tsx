import "@shopify/ui-extensions/preact";
import { render } from "preact";
// Shared with the Thank you page; bundled into this extension by the CLI's esbuild.
import { OrderRewards } from "../../treue-checkout/src/OrderRewards";
import { BirthdayForm } from "./BirthdayForm";

// Target: customer-account.order-status.block.render (the buyer is logged in to their account).
export default async () => {
  render(<OrderStatus />, document.body);
};

function OrderStatus() {
  // The customer is logged in to their account here: the place to ask for a birthday they haven't given.
  return <OrderRewards orderId={shopify.order.value?.id} more={(state) => (state.birthday ? null : <BirthdayForm />)} />;
}
