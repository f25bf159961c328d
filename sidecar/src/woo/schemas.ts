/** Lenient zod schemas for the WooCommerce 10.0.2 wp_api_v3 payloads the mappers read. */
import { z } from 'zod';

const str = z.string().nullish();
const money = z.union([z.string(), z.number()]).nullish();

export const AddressSchema = z
  .object({
    first_name: str, last_name: str, company: str, address_1: str, address_2: str, city: str,
    state: str, postcode: str, country: str, email: str, phone: str,
  })
  .passthrough();

export const LineItemSchema = z
  .object({
    id: z.number(),
    name: str,
    product_id: z.number().nullish(),
    variation_id: z.number().nullish(),
    quantity: z.number(),
    subtotal: money,
    total: money,
    sku: str,
    image: z.object({ src: str }).passthrough().nullish(),
    parent_name: str,
    meta_data: z.array(z.object({ key: z.string().nullish(), display_key: z.unknown(), display_value: z.unknown() }).passthrough()).nullish(),
  })
  .passthrough();

export const OrderSchema = z
  .object({
    id: z.number(),
    number: z.union([z.string(), z.number()]).nullish(),
    status: z.string(),
    currency: z.string().min(3),
    total: money,
    discount_total: money,
    shipping_total: money,
    total_tax: money,
    customer_id: z.number().nullish(),
    billing: AddressSchema.nullish(),
    shipping: AddressSchema.nullish(),
    payment_method: str,
    payment_method_title: str,
    date_created_gmt: str,
    date_modified_gmt: str,
    date_paid_gmt: str,
    date_completed_gmt: str,
    line_items: z.array(LineItemSchema).default([]),
    shipping_lines: z.array(z.object({ method_title: str, method_id: str, total: money }).passthrough()).nullish(),
    coupon_lines: z.array(z.object({ code: str, discount: money }).passthrough()).nullish(),
    refunds: z.array(z.object({ id: z.number(), reason: str, total: money }).passthrough()).nullish(),
    customer_note: str,
  })
  .passthrough();

export const CustomerSchema = z
  .object({
    id: z.number(),
    email: str,
    first_name: str,
    last_name: str,
    username: str,
    role: str,
    billing: AddressSchema.nullish(),
    shipping: AddressSchema.nullish(),
    date_created_gmt: str,
    date_modified_gmt: str,
  })
  .passthrough();

export const DeletedSchema = z.object({ id: z.number() }).passthrough();

/** A product or a variation as `/wc/v3/products/{id}` gives it (a variation's topic is the product's). */
export const ProductSchema = z
  .object({
    id: z.number(),
    name: str,
    permalink: str,
    type: z.string(),
    status: z.string(),
    catalog_visibility: str,
    description: str,
    short_description: str,
    sku: str,
    price: money,
    manage_stock: z.union([z.boolean(), z.literal('parent')]).nullish(),
    stock_quantity: z.number().nullish(),
    stock_status: str,
    backorders: str,
    parent_id: z.number().nullish(),
    date_modified_gmt: str,
    images: z.array(z.object({ src: str }).passthrough()).nullish(),
    image: z.object({ src: str }).passthrough().nullish(),
    categories: z.array(z.object({ id: z.number(), name: str, slug: str }).passthrough()).nullish(),
    variations: z.array(z.number()).nullish(),
  })
  .passthrough();

/**
 * A cart the plugin captured (topics `cart.checkout_started` and `cart.item_added`): its items in the shape of an
 * order's line items (so they map through the same item mapping), the shopper it belongs to, its value and the link
 * that restores it. `order_id` is the order the cart became, when it had become one by the time the plugin sent it.
 */
export const CartSchema = z
  .object({
    cart_token: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a cart token of 8 to 64 letters, digits, _ or -'),
    email: z.string().min(3),
    customer_id: z.number().nullish(),
    first_name: str,
    last_name: str,
    currency: z.string().min(3),
    total: money,
    line_items: z.array(LineItemSchema).min(1, 'a cart with no items'),
    checkout_url: z.string().url(),
    captured_at_gmt: z.string(),
    source: str,
    order_id: z.number().nullish(),
    added: LineItemSchema.nullish(),
  })
  .passthrough();

export type WooCart = z.infer<typeof CartSchema>;
export type WooOrder = z.infer<typeof OrderSchema>;
export type WooCustomer = z.infer<typeof CustomerSchema>;
export type WooAddress = z.infer<typeof AddressSchema>;
export type WooLineItem = z.infer<typeof LineItemSchema>;
export type WooProduct = z.infer<typeof ProductSchema>;
